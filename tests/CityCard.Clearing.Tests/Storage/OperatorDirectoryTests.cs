using CityCard.Clearing.Operators;
using CityCard.Clearing.Tests.Support;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>Back-office operators and their tokens (migration 9) on both engines.</summary>
[Collection(DatabaseGroup.Name)]
public sealed class OperatorDirectoryTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void Tokens_AuthenticateUntilRotatedOrRevoked_OnlyTheirHashesStored_EveryChangeLogged(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var directory = new OperatorDirectory(world.Database.Store, world.Clock);

        var alice = directory.Add("alice", OperatorRole.Supervisor, "setup");
        var bob = directory.Add("bob.w", OperatorRole.Viewer, "setup");
        var bobAgain = directory.Rotate("bob.w", "alice");
        directory.Revoke("alice", "bob.w");

        Assert.StartsWith(OperatorDirectory.TokenPrefix, alice, StringComparison.Ordinal);
        Assert.NotEqual(alice, bob);
        Assert.Null(directory.Authenticate(alice));
        Assert.Null(directory.Authenticate(bob));
        Assert.Equal(("bob.w", OperatorRole.Viewer), directory.Authenticate(bobAgain) is { } b ? (b.Name, b.Role) : default);
        Assert.Null(directory.Authenticate(null));
        Assert.Null(directory.Authenticate("cco_"));
        Assert.Null(directory.Authenticate(bobAgain.ToUpperInvariant()));
        var listed = directory.List();
        Assert.Equal(["alice", "bob.w"], listed.Select(o => o.Name));
        Assert.Equal(world.Clock.Now, listed[0].RevokedUtc);
        Assert.Null(listed[1].RevokedUtc);
        Assert.True(listed[1].May(OperatorRole.Viewer));
        Assert.False(listed[1].May(OperatorRole.Clerk));
        Assert.False(listed[0].May(OperatorRole.Viewer));
        var log = world.Database.Store.Read(r => r.OperatorLog(0, 10));
        Assert.Equal(["operator-add", "operator-add", "operator-rotate", "operator-revoke"], log.Select(e => e.Action));
        Assert.Equal("bob.w", log[^1].Operator);
        Assert.DoesNotContain(log, e => e.After.Contains(bobAgain, StringComparison.Ordinal) || e.RequestId.Contains(bobAgain, StringComparison.Ordinal));
        Assert.True(world.Database.Store.Read(r => r.Audit()).Ok);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void List_UnderALanguageCollation_InOrdinalOrderAsOnSqlite(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        if (engine == "postgres")
        {
            // A production cluster initialised with a language locale sorts text by it (adam < Bob), SQLite by code point.
            world.Database.ExecuteRaw("ALTER TABLE operators ALTER COLUMN name TYPE TEXT COLLATE \"en-US-x-icu\"");
        }

        var directory = new OperatorDirectory(world.Database.Store, world.Clock);
        foreach (var name in new[] { "adam", "Zed", "_x", "Bob" })
        {
            directory.Add(name, OperatorRole.Viewer, "setup");
        }

        Assert.Equal(["Bob", "Zed", "_x", "adam"], directory.List().Select(o => o.Name));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void BadNamesRolesAndRepeats_RefusedNamingTheProblem_NothingStored(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var directory = new OperatorDirectory(world.Database.Store, world.Clock);
        directory.Add("carol", OperatorRole.Clerk, "setup");
        directory.Revoke("carol", "setup");

        Assert.Contains("exists already", Assert.Throws<ClearingInputException>(() => directory.Add("carol", OperatorRole.Clerk, "setup")).Message, StringComparison.Ordinal);
        Assert.Contains("name: must be", Assert.Throws<ClearingInputException>(() => directory.Add("with space", OperatorRole.Clerk, "setup")).Message, StringComparison.Ordinal);
        Assert.Contains("name: must be", Assert.Throws<ClearingInputException>(() => directory.Add(new string('x', 65), OperatorRole.Clerk, "setup")).Message, StringComparison.Ordinal);
        Assert.Contains("is not viewer, clerk or supervisor", Assert.Throws<ClearingInputException>(() => directory.Add("dave", (OperatorRole)7, "setup")).Message, StringComparison.Ordinal);
        Assert.Contains("--role: 'root'", Assert.Throws<ClearingInputException>(() => OperatorDirectory.ParseRole("root", "--role")).Message, StringComparison.Ordinal);
        Assert.Contains("revoked already", Assert.Throws<ClearingInputException>(() => directory.Revoke("carol", "setup")).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist or was revoked", Assert.Throws<ClearingInputException>(() => directory.Rotate("carol", "setup")).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<ClearingInputException>(() => directory.Revoke("erin", "setup")).Message, StringComparison.Ordinal);
        Assert.Equal(["carol"], directory.List().Select(o => o.Name));
        Assert.Equal(2, world.Database.Store.Read(r => r.OperatorLog(0, 10)).Count);
    }
}
