using CityCard.Records;
using CityCard.Terminals.Core;
using CityCard.Terminals.Parameters;

namespace CityCard.Terminals.Tests;

/// <summary>Delta parameter files (format version 2): applied to the installed version, checked against the centre's signature.</summary>
public sealed class ParameterDeltaTests : IDisposable
{
    private const string CardA = "2144000000000001";
    private const string CardB = "2144000000000002";
    private readonly Rig rig = new();

    public void Dispose() => rig.Dispose();

    private static TerminalParameters Version(uint version, uint blacklistVersion, params string[] blacklist) =>
        Rig.DefaultParameters(version) with { BlacklistVersion = blacklistVersion, Blacklist = blacklist, PublishedUtc = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddDays(version) };

    private static byte[] Delta(TerminalParameters from, TerminalParameters to) => ParameterFile.SignDelta(from, to, ParameterSigningKey.Demo());

    [Fact]
    public void InstallParameters_Delta_AddsAndRemovesCards_AndStoresTheCentresFullFile()
    {
        var v2 = Version(2, 3, CardA);
        var v3 = Version(3, 5, CardB);
        using (var core = rig.Install("bus", DeviceKind.BusValidator, 50, 3, parameters: v2))
        {
            var installed = core.InstallParameters(Delta(v2, v3));

            Assert.Equal(3u, installed.Version);
            Assert.Equal(5u, installed.BlacklistVersion);
            Assert.False(core.IsBlacklisted(Security.Ep.Asn.Parse(CardA, "a")));
            Assert.True(core.IsBlacklisted(Security.Ep.Asn.Parse(CardB, "b")));
            // What was written is byte for byte the full file the centre would have sent for version 3.
            Assert.Equal(Rig.Signed(v3), File.ReadAllBytes(Path.Combine(rig.Folder, "bus", "parameters.json")));
        }

        using var reopened = TerminalCore.Open(Path.Combine(rig.Folder, "bus"), rig.Clock);
        Assert.Equal(3u, reopened.Parameters.Version);
    }

    [Fact]
    public void InstallParameters_TamperedDelta_IsRefusedAndTheOldVersionStays()
    {
        var v2 = Version(2, 3);
        using var core = rig.Install("bus", DeviceKind.BusValidator, 51, 3, parameters: v2);
        var delta = Delta(v2, Version(3, 4, CardA));
        var text = System.Text.Encoding.UTF8.GetString(delta);
        var payload = System.Text.Json.Nodes.JsonNode.Parse(text)!["payload"]!.GetValue<string>();
        var forged = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(payload)).Replace(CardA, CardB, StringComparison.Ordinal);
        var tampered = System.Text.Encoding.UTF8.GetBytes(text.Replace(payload, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(forged)), StringComparison.Ordinal));

        var e = Assert.Throws<ParameterFileException>(() => core.InstallParameters(tampered));

        Assert.Contains("signature does not verify", e.Message, StringComparison.Ordinal);
        Assert.Equal(2u, core.Parameters.Version);
        Assert.Empty(core.Parameters.Blacklist);
    }

    [Fact]
    public void InstallParameters_DeltaForAnotherBase_IsABaseMismatch()
    {
        using var core = rig.Install("bus", DeviceKind.BusValidator, 52, 3, parameters: Version(2, 3));
        var otherBase = Version(2, 3) with { Bus = new BusFares { FlatFareFen = 300 } };
        var fromOne = Delta(Version(1, 0), Version(4, 4, CardA));

        var differentContent = Assert.Throws<ParameterBaseMismatchException>(() => core.InstallParameters(Delta(otherBase, otherBase with { Version = 3, Blacklist = [CardA] })));
        var differentVersion = Assert.Throws<ParameterBaseMismatchException>(() => core.InstallParameters(fromOne));

        Assert.Contains("content differs", differentContent.Message, StringComparison.Ordinal);
        Assert.Contains("applies to version 1", differentVersion.Message, StringComparison.Ordinal);
        Assert.Equal(2u, core.Parameters.Version);
    }

    [Fact]
    public void InstallParameters_OlderFullFile_IsRefusedAsRollback()
    {
        using var core = rig.Install("bus", DeviceKind.BusValidator, 53, 3, parameters: Version(2, 3));
        core.InstallParameters(Rig.Signed(Version(5, 6, CardA)));

        var e = Assert.Throws<ParameterFileException>(() => core.InstallParameters(Rig.Signed(Version(4, 6))));

        Assert.Contains("rollback", e.Message, StringComparison.Ordinal);
        Assert.Equal(5u, core.Parameters.Version);
    }

    [Fact]
    public void SignDelta_OtherParametersChanged_IsRefused()
    {
        var v2 = Version(2, 3);
        Assert.Throws<ArgumentException>(() => Delta(v2, v2 with { Version = 3, Taxi = new TaxiTariff { FlagFallFen = 800 } }));
        Assert.Throws<ArgumentException>(() => Delta(v2, v2));
    }

    [Fact]
    public void FetchParameters_DeltaThatDoesNotFit_FallsBackToTheFullFile()
    {
        using var core = rig.Install("bus", DeviceKind.BusValidator, 54, 3, parameters: Version(2, 3) with { Bus = new BusFares { FlatFareFen = 250 } });
        var source = new Centre(Version(2, 3), Version(3, 4, CardA));

        var fetch = core.FetchParameters(source);

        Assert.True(fetch.FellBackToFull);
        Assert.False(fetch.Delta);
        Assert.Equal(3u, core.Parameters.Version);
        Assert.Equal([2u, 0u], source.Asked);
        Assert.True(core.FetchParameters(new Centre(Version(2, 3), Version(3, 4, CardA), upToDate: true)).UpToDate);
    }

    private sealed class Centre(TerminalParameters basis, TerminalParameters latest, bool upToDate = false) : IParameterSource
    {
        public List<uint> Asked { get; } = [];

        public byte[]? Fetch(uint haveVersion)
        {
            Asked.Add(haveVersion);
            return upToDate ? null : haveVersion == basis.Version ? Delta(basis, latest) : Rig.Signed(latest);
        }
    }
}
