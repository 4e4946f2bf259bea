using System.CommandLine;

namespace CityCard.Cli.Tests;

/// <summary>Every command answers <c>--help</c>, and the top-level help lists every command with a description.</summary>
public sealed class HelpTests
{
    [Fact]
    public void EveryCommand_HasHelpAndDescription()
    {
        var root = new RootCommand();
        var context = new CliContext(TextReader.Null, TextWriter.Null, TextWriter.Null);
        var paths = new List<string[]>();
        void Walk(Command command, string[] path)
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"'{string.Join(' ', path)}' has no description");
            paths.Add(path);
            foreach (var sub in command.Subcommands)
            {
                Walk(sub, [.. path, sub.Name]);
            }
        }

        foreach (var command in CliAppCommands(context))
        {
            Walk(command, [command.Name]);
        }

        Assert.NotEmpty(paths);
        foreach (var path in paths)
        {
            var result = CliRunner.Run([.. path, "--help"]);
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("Usage:", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TopLevelHelp_ListsCommands()
    {
        var result = CliRunner.Run("--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("keys", result.Out, StringComparison.Ordinal);
        Assert.Contains("crypto", result.Out, StringComparison.Ordinal);
    }

    private static IEnumerable<Command> CliAppCommands(CliContext context) => CliApp.Commands(context);
}
