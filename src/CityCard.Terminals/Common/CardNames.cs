using CityCard.Cards.Application;

namespace CityCard.Terminals.Common;

/// <summary>Card type names used in parameter files (ordinary, student, elder, disabled, staff).</summary>
public static class CardNames
{
    /// <summary>The parameter-file name of a card type.</summary>
    public static string Of(CardType type) => type switch
    {
        CardType.Ordinary => "ordinary",
        CardType.Student => "student",
        CardType.Elder => "elder",
        CardType.Disabled => "disabled",
        CardType.Staff => "staff",
        _ => "unknown",
    };
}
