using System.Diagnostics.CodeAnalysis;

namespace CityCard.Security.Ep;

/// <summary>Names and identifier bytes of <see cref="EpAlgorithm"/>.</summary>
public static class EpAlgorithms
{
    /// <summary>Lower-case name used on the command line and in JSON: <c>des</c> or <c>sm4</c>.</summary>
    public static string Name(this EpAlgorithm algorithm) => algorithm switch
    {
        EpAlgorithm.Des => "des",
        EpAlgorithm.Sm4 => "sm4",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown algorithm"),
    };

    /// <summary>Parses <c>des</c> or <c>sm4</c> (case-insensitive); the error names the argument.</summary>
    public static EpAlgorithm Parse(string? text, string argumentName) =>
        TryParse(text, out var algorithm)
            ? algorithm
            : throw new ArgumentException($"{argumentName}: '{text}' is not an algorithm (expected des or sm4)", argumentName);

    /// <summary>Parses <c>des</c> or <c>sm4</c> (case-insensitive).</summary>
    public static bool TryParse(string? text, out EpAlgorithm algorithm)
    {
        if (string.Equals(text, "des", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = EpAlgorithm.Des;
            return true;
        }

        if (string.Equals(text, "sm4", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = EpAlgorithm.Sm4;
            return true;
        }

        algorithm = default;
        return false;
    }

    /// <summary>Maps an algorithm-identifier byte from a card or PSAM to the algorithm.</summary>
    public static bool TryFromId(byte id, [NotNullWhen(true)] out EpAlgorithm? algorithm)
    {
        algorithm = id switch
        {
            0x00 => EpAlgorithm.Des,
            0x04 => EpAlgorithm.Sm4,
            _ => null,
        };
        return algorithm is not null;
    }
}
