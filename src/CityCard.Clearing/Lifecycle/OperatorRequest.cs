namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// Who asks and under which request id. Every lifecycle operation is idempotent by <see cref="RequestId"/>: a replay with
/// the same parameters gets the first answer, stored; the same id with other parameters is refused.
/// </summary>
public sealed record OperatorRequest
{
    /// <summary>Creates a request, checking both fields (1..100 printable characters).</summary>
    public OperatorRequest(string? requestId, string? operatorName)
    {
        RequestId = Check(requestId, "request id");
        Operator = Check(operatorName, "operator");
    }

    /// <summary>The caller's id for this request.</summary>
    public string RequestId { get; }

    /// <summary>The operator (or system, such as <c>payment-gateway</c>) acting.</summary>
    public string Operator { get; }

    private static string Check(string? value, string what)
    {
        var text = value?.Trim();
        return string.IsNullOrEmpty(text) || text.Length > 100 || text.Any(char.IsControl)
            ? throw new ClearingInputException($"{what}: must be 1..100 printable characters, got '{value}'")
            : text;
    }
}
