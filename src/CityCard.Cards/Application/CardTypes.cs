using System.Globalization;

namespace CityCard.Cards.Application;

/// <summary>Names of <see cref="CardType"/> for the command line and JSON.</summary>
public static class CardTypes
{
    /// <summary>The lower-case name (<c>ordinary</c>, <c>student</c>, <c>elder</c>, <c>disabled</c>, <c>staff</c>), or <c>type-XX</c> for a code CityCard does not define.</summary>
    public static string Name(this CardType type) => type switch
    {
        CardType.Ordinary => "ordinary",
        CardType.Student => "student",
        CardType.Elder => "elder",
        CardType.Disabled => "disabled",
        CardType.Staff => "staff",
        _ => "type-" + ((byte)type).ToString("X2", CultureInfo.InvariantCulture),
    };

    /// <summary>Parses a name of <see cref="Name"/> (case-insensitive; not the <c>type-XX</c> form).</summary>
    public static bool TryParse(string? text, out CardType type)
    {
        foreach (var candidate in Enum.GetValues<CardType>())
        {
            if (string.Equals(text, candidate.Name(), StringComparison.OrdinalIgnoreCase))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }

    /// <summary>Parses a card-type name; the error names the argument and lists the valid names.</summary>
    public static CardType Parse(string? text, string argumentName) =>
        TryParse(text, out var type)
            ? type
            : throw new ArgumentException($"{argumentName}: '{text}' is not a card type (expected ordinary, student, elder, disabled or staff)", argumentName);
}
