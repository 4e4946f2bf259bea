namespace CityCard.Clearing.Outcomes;

/// <summary>Helpers over <see cref="ReasonCode"/>.</summary>
public static class ReasonCodes
{
    /// <summary>The outcome a reason belongs to (its hundreds digit).</summary>
    public static RecordOutcome Outcome(this ReasonCode reason) => ((int)reason / 100) switch
    {
        1 => RecordOutcome.Accepted,
        2 => RecordOutcome.Duplicate,
        3 => RecordOutcome.Rejected,
        4 => RecordOutcome.Suspect,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "not a reason code"),
    };

    /// <summary>The reason's name in kebab case as printed and documented, e.g. <c>bad-tac</c>.</summary>
    public static string Name(this ReasonCode reason) => Kebab(reason.ToString());

    /// <summary>The refusal's name in kebab case, e.g. <c>bad-file-mac</c>.</summary>
    public static string Name(this FileRefusal refusal) => Kebab(refusal.ToString());

    /// <summary>The outcome's lower-case name.</summary>
    public static string Name(this RecordOutcome outcome) => outcome.ToString().ToLowerInvariant();

    internal static string Kebab(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(pascal[i]));
        }

        return builder.ToString();
    }
}
