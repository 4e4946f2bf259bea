using System.Globalization;
using System.Text;

namespace CityCard.Clearing.Settlement;

/// <summary>
/// The settlement file of a day: one row per merchant and rate, a subtotal row per category, a total row; amounts in
/// fen; RFC 4180 quoting. The same report always gives the same bytes.
/// </summary>
public static class SettlementCsv
{
    /// <summary>The header row.</summary>
    public const string Header = "date,row,merchant_id,name,category,commission_bps,purchases,gross_fen,discount_fen,concession_subsidy_fen,revenue_fen,commission_fen,net_fen,loads,loads_fen,claims,claims_fen,remittance_fen";

    /// <summary>The file name for a day: <c>settlement-YYYY-MM-DD.csv</c>.</summary>
    public static string FileName(DateOnly date) => $"settlement-{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv";

    /// <summary>The file's text.</summary>
    public static string Format(SettlementReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var date = report.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var text = new StringBuilder().Append(Header).Append('\n');
        foreach (var statement in report.Statements.OrderBy(s => s.MerchantId).ThenBy(s => s.CommissionBps))
        {
            Row(text, date, "merchant", statement.MerchantId.ToString(CultureInfo.InvariantCulture), statement.Name, statement.Category, statement.CommissionBps.ToString(CultureInfo.InvariantCulture), [statement]);
        }

        foreach (var category in report.Statements.GroupBy(s => s.Category, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Row(text, date, "category", string.Empty, string.Empty, category.Key, string.Empty, category.ToList());
        }

        Row(text, date, "total", string.Empty, string.Empty, string.Empty, string.Empty, report.Statements);
        return text.ToString();
    }

    private static void Row(StringBuilder text, string date, string row, string id, string name, string category, string rate, IReadOnlyCollection<MerchantStatement> statements)
    {
        long Sum(Func<MerchantStatement, long> field) => statements.Sum(field);
        var fields = new[]
        {
            date, row, id, Quote(name), Quote(category), rate,
            N(Sum(s => s.Purchases)), N(Sum(s => s.GrossFen)), N(Sum(s => s.DiscountFen)), N(Sum(s => s.ConcessionSubsidyFen)),
            N(Sum(s => s.RevenueFen)), N(Sum(s => s.CommissionFen)), N(Sum(s => s.NetFen)), N(Sum(s => s.Loads)), N(Sum(s => s.LoadsFen)),
            N(Sum(s => s.Claims)), N(Sum(s => s.ClaimsFen)), N(Sum(s => s.RemittanceFen)),
        };
        text.AppendJoin(',', fields).Append('\n');
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
