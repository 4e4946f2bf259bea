using System.CommandLine;

namespace CityCard.Cli;

/// <summary>Short constructors for options, so command definitions read as a table.</summary>
internal static class Options
{
    public static Option<string> Required(string name, string description) =>
        new(name) { Description = description, Required = true };

    public static Option<string?> Optional(string name, string description) =>
        new(name) { Description = description };

    public static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description };

    public static Command With(this Command command, params IEnumerable<Option> options)
    {
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        return command;
    }

    /// <summary>Sets an action that receives the parse result and returns an exit code.</summary>
    public static Command Does(this Command command, Func<ParseResult, int> action)
    {
        command.SetAction(action);
        return command;
    }
}
