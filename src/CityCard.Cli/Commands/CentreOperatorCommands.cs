using System.CommandLine;
using System.Globalization;
using CityCard.Clearing;
using CityCard.Clearing.Operators;

namespace CityCard.Cli.Commands;

/// <summary>
/// <c>citycard centre operator …</c>: back-office operators and their bearer tokens for the server's back-office
/// endpoints. A token is printed once, when it is made; the centre keeps only its SHA-256.
/// </summary>
internal static class CentreOperatorCommands
{
    public static Command Operator(CliContext context)
    {
        var command = new Command("operator", "Back-office operators (viewer, clerk, supervisor) and their bearer tokens for the server's back-office endpoints.");
        command.Subcommands.Add(Add(context));
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Rotate(context));
        command.Subcommands.Add(Revoke(context));
        return command;
    }

    // Who the operator log names for changes made with the command line (which has the database itself).
    private static string Actor => "cli:" + Environment.UserName;

    private static Command Add(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var name = Options.Required("--name", "the operator's name (letters, digits, '-', '_', '.'; the operator log records it)");
        var role = Options.Required("--role", "viewer (reads), clerk (also counter work), supervisor (also reviews, settlement, adjustments, approvals)");
        return new Command("add", "Add an operator and print its token (shown only now: hand it over, then it cannot be read back).").With(db, name, role).Does(parse =>
        {
            // Both are arguments: a wrong one is a usage error (exit 2), found before the store is opened.
            var parsedRole = Usage(() => OperatorDirectory.ParseRole(parse.GetValue(role), "--role"));
            Usage(() => OperatorDirectory.CheckName(parse.GetValue(name), "--name"));
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var token = ClearingCommands.Run(() => new OperatorDirectory(store, TimeProvider.System).Add(parse.GetValue(name)!, parsedRole, Actor));
            context.Out.WriteLine($"operator {parse.GetValue(name)!.Trim()} ({OperatorDirectory.Name(parsedRole)}) added; token (shown once):");
            context.Out.WriteLine(token);
            return ExitCodes.Ok;
        });
    }

    private static T Usage<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ClearingInputException e)
        {
            throw new UsageException(e.Message, e);
        }
    }

    private static Command List(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        return new Command("list", "List operators: name, role, added, revoked.").With(db).Does(parse =>
        {
            using var store = ClearingCommands.Open(parse.GetValue(db));
            foreach (var account in new OperatorDirectory(store, TimeProvider.System).List())
            {
                var revoked = account.RevokedUtc is { } at ? "revoked " + at.ToString("u", CultureInfo.InvariantCulture) : "active";
                context.Out.WriteLine($"{account.Name}\t{OperatorDirectory.Name(account.Role)}\tadded {account.CreatedUtc.ToString("u", CultureInfo.InvariantCulture)}\t{revoked}");
            }

            return ExitCodes.Ok;
        });
    }

    private static Command Rotate(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var name = Options.Required("--name", "the operator");
        return new Command("rotate", "Give an operator a new token (the old one stops working at once) and print it.").With(db, name).Does(parse =>
        {
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var token = ClearingCommands.Run(() => new OperatorDirectory(store, TimeProvider.System).Rotate(parse.GetValue(name)!, Actor));
            context.Out.WriteLine($"operator {parse.GetValue(name)!.Trim()}: new token (shown once):");
            context.Out.WriteLine(token);
            return ExitCodes.Ok;
        });
    }

    private static Command Revoke(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var name = Options.Required("--name", "the operator");
        return new Command("revoke", "Revoke an operator's token for good (the name stays in the log and cannot be reused).").With(db, name).Does(parse =>
        {
            using var store = ClearingCommands.Open(parse.GetValue(db));
            ClearingCommands.Run(() =>
            {
                new OperatorDirectory(store, TimeProvider.System).Revoke(parse.GetValue(name)!, Actor);
                return 0;
            });
            context.Out.WriteLine($"operator {parse.GetValue(name)!.Trim()} revoked");
            return ExitCodes.Ok;
        });
    }
}
