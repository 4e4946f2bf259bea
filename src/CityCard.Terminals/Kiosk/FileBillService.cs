using System.Collections.Concurrent;
using System.Text.Json;
using CityCard.Terminals.Core;
using CityCard.Terminals.Parameters;

namespace CityCard.Terminals.Kiosk;

/// <summary>
/// Bills kept in a JSON file (an array of <see cref="UtilityBill"/>) — the centre's bill list as exported to a kiosk, and
/// the form the tests and the command line use. Updated atomically when a bill is paid. The parsed list is kept in memory
/// per file (shared by every service on that path in the process) and read again only when the file's size or time
/// changed, so a kiosk does not parse a city's whole bill list for every payment.
/// </summary>
public sealed class FileBillService(string path) : IBillService
{
    private static readonly ConcurrentDictionary<string, Cached> Cache = new(StringComparer.Ordinal);
    private readonly string fullPath = Path.GetFullPath(path);

    /// <inheritdoc />
    public IReadOnlyList<UtilityBill> Unpaid(string household) =>
        Load().Where(b => !b.Paid && string.Equals(b.Household, household, StringComparison.Ordinal)).ToList();

    /// <inheritdoc />
    public void MarkPaid(uint billId, uint deviceId, uint deviceSequence)
    {
        var bills = Load().Select(b => b.BillId == billId ? b with { Paid = true } : b).ToList();
        var temporary = fullPath + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(bills, ParameterFile.JsonOptions));
        File.Move(temporary, fullPath, overwrite: true);
        Cache[fullPath] = new Cached(Stamp(), bills);
    }

    private List<UtilityBill> Load()
    {
        try
        {
            var stamp = Stamp();
            if (Cache.TryGetValue(fullPath, out var cached) && cached.Stamp == stamp)
            {
                return cached.Bills;
            }

            var bills = JsonSerializer.Deserialize<List<UtilityBill>>(File.ReadAllBytes(fullPath), ParameterFile.JsonOptions) ?? [];
            Cache[fullPath] = new Cached(stamp, bills);
            return bills;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new TerminalException($"bill file {path}: {e.Message}", e);
        }
    }

    private (long Length, DateTime WrittenUtc) Stamp()
    {
        var info = new FileInfo(fullPath);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : throw new IOException("no such file");
    }

    private sealed record Cached((long Length, DateTime WrittenUtc) Stamp, List<UtilityBill> Bills);
}
