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

    /// <summary>The card's e-purse algorithm (its key set).</summary>
    public Security.Ep.EpAlgorithm Algorithm { get; init; }

    /// <summary>The holder's name and ID number when the card is registered (only registered cards can be reported lost).</summary>
    public Clearing.Lifecycle.HolderIdentity? Holder { get; set; }

    /// <summary>The day the card was reported lost (replaced once the waiting period has passed).</summary>
    public int? LostOnDay { get; set; }

    /// <summary>True once the card was replaced by a new one (its value moved as a pending credit).</summary>
    public bool Replaced { get; set; }

    /// <summary>Value paid for online (or recovered from a lost card) waiting at the centre to be written at an outlet.</summary>
    public long PendingCreditFen { get; set; }
}
