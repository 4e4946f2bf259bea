using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CityCard.Clearing.Audit;

/// <summary>The result of checking every invariant.</summary>
public sealed record AuditReport(IReadOnlyList<InvariantResult> Invariants)
{
    /// <summary>True when every invariant holds.</summary>
    public bool Ok => Invariants.All(i => i.Ok);

    /// <summary>Things to follow up that break no invariant (long-open gaps); they never make the audit fail.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>JSON: <c>{"ok":…,"invariants":[{"number","id","title","ok","figures":{…},"differences":[…]}]}</c>.</summary>
    public string ToJson()
    {
        var list = new JsonArray();
        foreach (var invariant in Invariants)
        {
            var figures = new JsonObject();
            foreach (var (name, value) in invariant.Figures)
            {
                figures[name] = value;
            }

            list.Add(new JsonObject
            {
                ["number"] = invariant.Number,
                ["id"] = invariant.Id,
                ["title"] = invariant.Title,
                ["ok"] = invariant.Ok,
                ["figures"] = figures,
                ["differences"] = new JsonArray(invariant.Differences.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
            });
        }

        var warnings = new JsonArray(Warnings.Select(w => (JsonNode)JsonValue.Create(w)!).ToArray());
        return new JsonObject { ["ok"] = Ok, ["invariants"] = list, ["warnings"] = warnings }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>One line per invariant, then its differences indented; then one line per warning.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var invariant in Invariants)
        {
            var figures = string.Join(", ", invariant.Figures.Select(f => $"{f.Key}={f.Value}"));
            text.Append(invariant.Ok ? "OK   " : "FAIL ").Append(invariant.Number).Append(' ').Append(invariant.Title).Append(" (").Append(figures).AppendLine(")");
            foreach (var difference in invariant.Differences)
            {
                text.Append("       ").AppendLine(difference);
            }
        }

        foreach (var warning in Warnings)
        {
            text.Append("WARN ").AppendLine(warning);
        }

        return text.ToString();
    }
}
