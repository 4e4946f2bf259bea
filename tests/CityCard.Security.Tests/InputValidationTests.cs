using CityCard.Security.Ep;
using CsCheck;

namespace CityCard.Security.Tests;

/// <summary>Bad input is refused with a message naming the argument.</summary>
public sealed class InputValidationTests
{
    [Theory]
    [InlineData("ABC", "odd number of hex digits")]
    [InlineData("0G", "'G' is not a hex digit")]
    [InlineData(null, "no value given")]
    public void HexParse_Malformed_NamesArgumentAndProblem(string? text, string problem)
    {
        var e = Assert.Throws<ArgumentException>(() => Hex.Parse(text, "--data"));
        Assert.StartsWith("--data:", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HexParse_WrongLength_SaysExpectedAndActual()
    {
        var e = Assert.Throws<ArgumentException>(() => Hex.Parse("0011", "--factor", 8));
        Assert.Equal("--factor: expected 8 bytes (16 hex digits), got 2 bytes (Parameter '--factor')", e.Message);
    }

    [Fact]
    public void HexParse_SpacesAllowed_AndOutputUpperCase()
    {
        Assert.Equal("ABCD01", Hex.Format(Hex.Parse("ab cd 01", "x")));
    }

    [Theory]
    [InlineData("2024013112000")]
    [InlineData("20240230120000")]
    [InlineData("20241301120000")]
    [InlineData("2024010112000X")]
    public void BcdDateTime_Invalid_IsRejected(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => BcdDateTime.Parse(text, "--datetime"));
        Assert.StartsWith("--datetime:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BcdDateTime_RoundTripsThroughBcd()
    {
        var value = BcdDateTime.Parse("20081009140759", "t");
        var bytes = new byte[7];
        value.WriteTo(bytes);
        Assert.Equal("20081009140759", Hex.Format(bytes));
        Assert.True(BcdDateTime.TryRead(bytes, out var back));
        Assert.Equal(value, back);
        Assert.False(BcdDateTime.TryRead(Hex.Parse("2008100914075A", "t"), out _));
        Assert.False(BcdDateTime.TryRead(Hex.Parse("20081309140759", "t"), out _));
    }

    [Fact]
    public void BcdDateTime_TryRead_AgreesWithCalendarParsing()
    {
        // Random BCD-ish bytes, biased to valid digits so that valid and invalid dates both occur often.
        CsCheck.Gen.Select(CsCheck.Gen.Int[1990, 2100], CsCheck.Gen.Int[0, 13], CsCheck.Gen.Int[0, 32], CsCheck.Gen.Int[0, 24], CsCheck.Gen.Int[0, 60], CsCheck.Gen.Int[0, 60])
            .Sample((year, month, day, hour, minute, second) =>
            {
                var text = $"{year:D4}{month:D2}{day:D2}{hour:D2}{minute:D2}{second:D2}";
                var bytes = Convert.FromHexString(text);
                var expected = DateTime.TryParseExact(text, "yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed);
                Assert.Equal(expected, BcdDateTime.TryRead(bytes, out var value));
                if (expected)
                {
                    Assert.Equal(parsed, value.Value);
                }
            }, iter: 5000);
    }

    [Fact]
    public void TerminalId_RoundTrips()
    {
        var id = TerminalId.Parse("112233445566", "--terminal");
        Assert.Equal("112233445566", id.ToString());
        Assert.Throws<ArgumentException>(() => TerminalId.Parse("1122334455", "--terminal"));
    }

    [Fact]
    public void KeyObjects_NeverShowKeyBytes()
    {
        var key = EpKey.Create(EpAlgorithm.Des, Hex.Parse("000102030405060708090A0B0C0D0E0F", "k"));
        Assert.DoesNotContain("0001", key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("0001", key.TacKey().ToString(), StringComparison.Ordinal);
    }
}
