namespace CityCard.Terminals.Journal;

/// <summary>One durable journal entry: its sequence number (1, 2, 3…), its type byte and its payload.</summary>
public sealed record JournalEntry(ulong Sequence, byte Type, byte[] Payload);
