using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Verification;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Storage;

// Usage: CityCard.Clearing.CrashChild DATABASE-URL FILE...
// Prints "ingesting FILE" before each file and "done FILE ACCEPTED REPLAYED" after it is committed.
using var store = ClearingStores.Open(args[0]);
var clearing = new ClearingService(store, DemoKeySet.Create(EpAlgorithm.Des), TacKeyRing.Demo(), TimeProvider.System);
foreach (var file in args.Skip(1))
{
    Console.WriteLine($"ingesting {file}");
    var result = clearing.Ingest(File.ReadAllBytes(file));
    Console.WriteLine($"done {file} {result.Receipt.Totals.Accepted} {result.Replayed}");
}

return 0;
