namespace CityCard.Simulation.World;

/// <summary>What a simulated person does.</summary>
internal enum SimAction
{
    TopUpIfLow,
    Bus,
    Shop,
    Canteen,
    Taxi,
    Bill,
    DoorIn,
    DoorOut,
    CloneShop,
    FinderShop,
    ClaimCredits,
}

/// <summary>One simulated action at a second of the day, ordered by time then by generation order.</summary>
internal readonly record struct SimEvent(int Second, int Order, int Card, SimAction Action, int A, int B, int C);
