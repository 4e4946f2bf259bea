using System.Globalization;
using System.Text;
using CityCard.Terminals.Journal;

// Usage: CityCard.Terminals.CrashChild JOURNAL_PATH
// Appends entries whose payload is "entry <n>" forever, printing "ACK <sequence>" after each is flushed to disk.
using var journal = TransactionJournal.Open(args[0]);
Console.Out.Flush();
for (var n = journal.NextSequence; ; n++)
{
    var entry = journal.Append(1, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"entry {n} {new string('x', (int)(n % 200))}")));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ACK {entry.Sequence}"));
    Console.Out.Flush();
}
