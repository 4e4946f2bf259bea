using CityCard.Cards.Cos;
using CityCard.Cards.Psam;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;
using CityCard.Terminals.Journal;
using CityCard.Terminals.Parameters;

namespace CityCard.Cli.Commands;

/// <summary>
/// Opens (installing on first use) a terminal's data folder for one command, with its card and PSAM files, and saves
/// them afterwards. A new folder gets the device id (from the PSAM's terminal number unless given), the upload key derived
/// from the issuer's terminal master key, and the demo parameter file signed with the demo signing key.
/// </summary>
internal sealed class TerminalSession : IDisposable
{
    private readonly string? cardPath;
    private readonly string? psamPath;

    private TerminalSession(TerminalCore core, SoftCard? card, string? cardPath, SoftPsam? psam, string? psamPath)
    {
        Core = core;
        Card = card;
        this.cardPath = cardPath;
        Psam = psam;
        this.psamPath = psamPath;
    }

    public TerminalCore Core { get; }

    public SoftCard? Card { get; }

    public SoftPsam? Psam { get; }

    public static TerminalSession Open(CliContext context, TerminalOptions options, DeviceKind kind, string? cardFile, string? psamFile, ushort line, uint? deviceId = null, string? lineOption = null)
    {
        var psam = psamFile is null ? null : CardFiles.LoadPsam(psamFile, "--psam");
        var card = cardFile is null ? null : CardFiles.LoadCard(cardFile, "--card");
        // The id only names the default folder and installs a new one: an installed --data folder knows its device.
        uint id = deviceId ?? options.DeviceId ?? (psam is not null
            ? unchecked((uint)(psam.Terminal.Value & 0xFFFF_FFFF))
            : options.Data is not null && TerminalCore.IsInstalled(options.Data)
                ? 0u
                : throw new UsageException("--device-id: needed for a terminal without a PSAM"));
        var directory = options.Data ?? Path.Combine("data", "terminals", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            if (!TerminalCore.IsInstalled(directory))
            {
                var keySet = CardFiles.KeySet(context, options.Keys, EpAlgorithm.Des);
                // The terminal trusts the centre's parameter-signing key of the same key set (the demo key for the demo set).
                var parameterKey = KeysCommands.ParameterKey(keySet);
                TerminalCore.Install(directory, new TerminalConfig
                {
                    DeviceId = id,
                    Kind = kind,
                    OperatorId = options.Operator ?? 1,
                    Line = line,
                    UploadKey = Hex.Format(UploadKeys.Derive(keySet, id)),
                    ParameterPublicKey = Hex.Format(parameterKey.PublicKeyBytes()),
                }, ParameterFile.Sign(FactoryParameters.Create(), parameterKey));
                context.Error.WriteLine($"installed {kind} terminal {id} in {directory}");
            }

            var core = TerminalCore.Open(directory, TimeProvider.System);
            if (core.Config.Kind != kind)
            {
                core.Dispose();
                throw new UsageException($"--data: {directory} holds a {core.Config.Kind} terminal, not a {kind}");
            }

            // The line (bus route, taxi vehicle, door) is fixed when the folder is installed; a different one named on a
            // later command is refused rather than ignored, since a tap would be charged the installed line's fare.
            if (lineOption is not null && core.Config.Line != line)
            {
                core.Dispose();
                throw new UsageException($"{lineOption} {line}: the {kind} terminal in {directory} is installed on line {core.Config.Line}");
            }

            return new TerminalSession(core, card, cardFile, psam, psamFile);
        }
        catch (Exception e) when (e is TerminalException or JournalException or ParameterFileException)
        {
            throw new CliFailure(e.Message, e);
        }
    }

    public IssuerKeySet KeySet(CliContext context, string? keys) => CardFiles.KeySet(context, keys, Card?.Algorithm ?? EpAlgorithm.Des);

    /// <summary>Prints the result, closes the batch when due, saves card and PSAM; returns the exit code.</summary>
    public int Finish(CliContext context, TapResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        context.Out.WriteLine(result.Message);
        if (Core.BatchDue() && Core.CloseBatch() is { } closed)
        {
            context.Error.WriteLine($"batch closed: {closed}");
        }

        Save();
        return result.IsSuccess ? ExitCodes.Ok : ExitCodes.Failed;
    }

    public void Save()
    {
        if (Card is not null)
        {
            CardCommands.Save(Card, cardPath!);
        }

        Psam?.Save(psamPath!);
    }

    public void Dispose() => Core.Dispose();
}
