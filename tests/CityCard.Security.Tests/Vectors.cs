using CityCard.Security.Ep;

namespace CityCard.Security.Tests;

/// <summary>Small helpers to keep vector tests readable.</summary>
internal static class Vectors
{
    public static byte[] H(string hex) => Hex.Parse(hex, "vector");

    public static string X(uint value) => Hex.Format(value);

    public static string X(byte[] bytes) => Hex.Format(bytes);

    public static EpKey Des(string hex) => EpKey.Create(EpAlgorithm.Des, H(hex));

    public static EpKey Sm4(string hex) => EpKey.Create(EpAlgorithm.Sm4, H(hex));

    public static TerminalId Terminal(string hex) => TerminalId.Parse(hex, "terminal");

    public static BcdDateTime When(string text) => BcdDateTime.Parse(text, "datetime");
}
