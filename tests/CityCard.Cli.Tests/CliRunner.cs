namespace CityCard.Cli.Tests;

/// <summary>Runs the tool in process and captures its streams.</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args) => RunWith(null, new Dictionary<string, string>(), args);

    /// <summary>Runs a serving command (<c>serve</c>) until <paramref name="stopping"/> is cancelled.</summary>
    public static CliResult RunUntil(CancellationToken stopping, params string[] args) => Start(null, new Dictionary<string, string>(), args, stopping);

    /// <summary>Runs a serving command with an environment until <paramref name="stopping"/> is cancelled.</summary>
    public static CliResult RunUntilWith(IReadOnlyDictionary<string, string> environment, CancellationToken stopping, params string[] args) => Start(null, environment, args, stopping);

    public static CliResult RunWith(string? input, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(input, environment, args, CancellationToken.None);

    private static CliResult Start(string? input, IReadOnlyDictionary<string, string> environment, string[] args, CancellationToken stopping)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stdin = new StringReader(input ?? string.Empty);
        var context = new CliContext(stdin, stdout, stderr)
        {
            GetEnvironment = name => environment.TryGetValue(name, out var value) ? value : null,
            Stopping = stopping,
        };
        var code = CliApp.Run(args, context);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}

internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string Line => Out.TrimEnd();
}
