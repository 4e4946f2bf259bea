using System.CommandLine;
using System.Data.Common;
using CityCard.Cli.Commands;
using CityCard.Storage;

namespace CityCard.Cli;

/// <summary>Builds the command tree and runs one invocation with uniform error handling.</summary>
internal static class CliApp
{
    /// <summary>Runs the tool; returns the process exit code.</summary>
    public static int Run(string[] args, CliContext context)
    {
        var root = new RootCommand("CityCard — city one-card (城市一卡通) platform: cards, terminals, clearing.");
        foreach (var command in Commands(context))
        {
            root.Subcommands.Add(command);
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                context.Error.WriteLine($"error: {error.Message}");
            }

            context.Error.WriteLine($"Try '{CommandPath(parsed)} --help'.");
            return ExitCodes.Usage;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            context.Error.WriteLine($"Try '{CommandPath(parsed)} --help'.");
            return ExitCodes.Usage;
        }
        catch (ArgumentException e)
        {
            // Argument values are validated by the libraries, whose messages name the argument.
            context.Error.WriteLine($"error: {WithoutParameterSuffix(e)}");
            context.Error.WriteLine($"Try '{CommandPath(parsed)} --help'.");
            return ExitCodes.Usage;
        }
        catch (CliFailure e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (Environmental(e) is { } cause)
        {
            // The database or the file system failed under a command (a damaged SQLite file, a role without rights, a
            // full disk, a busy port): the command could not do its job, which is exit 1 with what failed, not a crash.
            // Broken invariants (InvalidOperationException and the like) still propagate.
            context.Error.WriteLine(cause switch
            {
                StorageException => $"error: {cause.Message}",
                DbException => $"error: {Subject(parsed, cause)}: {DatabaseFailures.Message(cause)}",
                _ => $"error: {Subject(parsed, cause)}: {cause.Message}",
            });
            return ExitCodes.Failed;
        }
    }

    /// <summary>The database or I/O failure behind <paramref name="e"/> (also inside a one-task AggregateException), or null.</summary>
    private static Exception? Environmental(Exception e)
    {
        if (e is AggregateException aggregate && aggregate.Flatten().InnerExceptions is [var single])
        {
            e = single;
        }

        return e is DbException or StorageException or IOException or UnauthorizedAccessException ? e : null;
    }

    /// <summary>What failed: the database a database error came from (its URL without password), else the command.</summary>
    private static string Subject(ParseResult parsed, Exception cause)
    {
        if (cause is not DbException)
        {
            return CommandPath(parsed);
        }

        // The --db given, or the default of the commands whose --db defaults to the centre's database (simulate and bench
        // have other defaults, which they name in their own help).
        var option = parsed.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--db");
        var text = option is null ? null : parsed.GetValue<string?>("--db");
        text ??= option?.Description?.Contains($"(default {DatabaseUrl.Default})", StringComparison.Ordinal) == true ? DatabaseUrl.Default : null;
        try
        {
            return text is null ? "the database" : $"database {DatabaseUrl.Parse(text).Description}";
        }
        catch (ArgumentException)
        {
            return "the database";
        }
    }

    internal static IEnumerable<Command> Commands(CliContext context)
    {
        yield return KeysCommands.Build(context);
        yield return CryptoCommands.Build(context);
        yield return CardCommands.BuildCard(context);
        yield return CardCommands.BuildPsam(context);
        yield return TerminalCommands.Build(context);
        yield return BatchCommands.Build(context);
        yield return SimulateCommands.BuildSimulate(context);
        yield return SimulateCommands.BuildDemo(context);
        yield return ClearingCommands.BuildDb(context);
        yield return ClearingCommands.BuildClear(context);
        yield return ClearingCommands.BuildSettle(context);
        yield return ClearingCommands.BuildAudit(context);
        yield return CentreCommands.Build(context);
        yield return CardsCommands.Build(context);
        yield return ClearingCommands.BuildServe(context);
        yield return BenchCommands.Build(context);
    }

    private static string WithoutParameterSuffix(ArgumentException e)
    {
        var suffix = $" (Parameter '{e.ParamName}')";
        return e.ParamName is not null && e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
    }

    private static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "citycard" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
