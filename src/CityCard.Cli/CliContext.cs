namespace CityCard.Cli;

/// <summary>The standard streams a command uses; tests pass their own writers.</summary>
internal sealed record CliContext(TextReader In, TextWriter Out, TextWriter Error)
{
    /// <summary>Environment lookups go through here so tests can supply values.</summary>
    public Func<string, string?> GetEnvironment { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Stops a serving command (<c>serve</c>) besides Ctrl-C and SIGTERM; tests cancel it.</summary>
    public CancellationToken Stopping { get; init; }
}
