using System.Text.Json;
using CityCard.Terminals.Core;
using CityCard.Terminals.Parameters;

namespace CityCard.Terminals.Kiosk;

/// <summary>
/// Bills kept in a JSON file (an array of <see cref="UtilityBill"/>) — the centre's bill list as exported to a kiosk, and
/// the form the tests and the command line use. Updated atomically when a bill is paid.
/// </summary>
public sealed class FileBillService(string path) : IBillService
{
    /// <inheritdoc />
    public IReadOnlyList<UtilityBill> Unpaid(string household) =>
        Load().Where(b => !b.Paid && string.Equals(b.Household, household, StringComparison.Ordinal)).ToList();

    /// <inheritdoc />
    public void MarkPaid(uint billId, uint deviceId, uint deviceSequence)
    {
        var bills = Load().Select(b => b.BillId == billId ? b with { Paid = true } : b).ToList();
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(bills, ParameterFile.JsonOptions));
        File.Move(temporary, path, overwrite: true);
    }

    private List<UtilityBill> Load()
    {
        try
        {
            return JsonSerializer.Deserialize<List<UtilityBill>>(File.ReadAllBytes(path), ParameterFile.JsonOptions) ?? [];
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new TerminalException($"bill file {path}: {e.Message}", e);
        }
    }
}
