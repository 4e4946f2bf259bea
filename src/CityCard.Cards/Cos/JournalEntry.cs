namespace CityCard.Cards.Cos;

/// <summary>One area update of an atomic commit: the new bytes for memory at <paramref name="Offset"/>.</summary>
internal readonly record struct JournalEntry(int Offset, byte[] Data);
