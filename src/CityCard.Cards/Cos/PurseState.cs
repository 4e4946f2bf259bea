namespace CityCard.Cards.Cos;

/// <summary>
/// The committed purse of a card. <paramref name="Balance"/> is in fen and may be negative down to minus
/// <paramref name="OverdraftLimit"/>; on the card it is a 4-byte two's-complement number.
/// </summary>
public readonly record struct PurseState(int Balance, int OverdraftLimit, ushort OnlineCounter, ushort OfflineCounter);
