using CityCard.Cards.Application;
using CityCard.Cards.Cos;

namespace CityCard.Simulation.World;

/// <summary>A simulated cardholder: the real software card and where its holder lives, works or studies.</summary>
internal sealed class SimCard(int index, SoftCard card, CardType type)
{
    public int Index { get; } = index;

    public SoftCard Card { get; } = card;

    public CardType Type { get; } = type;

    public int HomeRoute { get; init; }

    public int HomeStop { get; init; }

    public int WorkRoute { get; init; }

    public int WorkStop { get; init; }

    public int Community { get; init; }

    public int Household { get; init; }

    /// <summary>University (students) or employer (staff) index.</summary>
    public int Place { get; init; }

    /// <summary>Reported lost today or before: its holder no longer uses it.</summary>
    public bool Lost { get; set; }
}
