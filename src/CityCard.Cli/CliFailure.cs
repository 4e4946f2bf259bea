namespace CityCard.Cli;

/// <summary>A command that ran but could not do its job (unreadable file, failed check); exit code 1.</summary>
internal sealed class CliFailure : Exception
{
    public CliFailure(string message)
        : base(message)
    {
    }

    public CliFailure()
    {
    }

    public CliFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
