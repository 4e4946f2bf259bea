using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CityCard.Storage.Sqlite;

/// <summary>
/// Checkpoints a WAL database from a background thread on its own connection, so that copying committed pages from the
/// WAL into the database file (and the fsyncs that go with it) runs beside the writer instead of inside its commits.
/// The store's connections turn SQLite's own auto-checkpoint off and report, after every committed write transaction,
/// how many pages they wrote to the WAL (<see cref="Committed"/>); once <see cref="PassivePages"/> have been written
/// since the last checkpoint, the thread runs a PASSIVE checkpoint (never waits for readers or the writer). Every
/// <see cref="TruncateEvery"/>-th checkpoint, or when a passive one could not copy everything, it runs a TRUNCATE
/// checkpoint, which waits for readers of old snapshots and empties the WAL file, so the WAL cannot grow without bound;
/// its connection's busy timeout is short (<see cref="BusyTimeoutMs"/>), so a long reader makes it give up and retry
/// later rather than hold up the writer. Durability is unchanged: a commit is in the WAL before the writer returns, and a
/// checkpoint syncs the WAL before it copies and the database file after.
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>WAL pages written between two checkpoints (32 MiB of 16 KiB pages; a batch of 50,000 records writes about 700).</summary>
    public const int PassivePages = 2_048;

    /// <summary>One checkpoint in this many is a TRUNCATE.</summary>
    public const int TruncateEvery = 16;

    /// <summary>How long a TRUNCATE checkpoint waits for the writer and old readers before it gives up.</summary>
    public const int BusyTimeoutMs = 200;

    private readonly string connectionString;
    private readonly Action<SqliteConnection> configure;
    private readonly int passivePages;
    private readonly object gate = new();
    private Thread? thread;
    private long pagesSinceCheckpoint;
    private bool due;
    private bool stopping;
    private int checkpoints;

    /// <param name="connectionString">The database.</param>
    /// <param name="configure">Sets a new connection up as the store's own are (journal mode, synchronous, …).</param>
    /// <param name="passivePages">WAL pages between checkpoints (tests use a few).</param>
    public WalCheckpointer(string connectionString, Action<SqliteConnection> configure, int passivePages = PassivePages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(passivePages, 1);
        this.connectionString = connectionString;
        this.configure = configure;
        this.passivePages = passivePages;
    }

    /// <summary>Checkpoints run so far (for tests and diagnostics).</summary>
    public int Checkpoints => Volatile.Read(ref checkpoints);

    /// <summary>
    /// The problem that stopped the thread, if any (kept, not thrown: the writer's data is safe in the WAL); from then on
    /// the writer checkpoints itself.
    /// </summary>
    public Exception? Failure { get; private set; }

    /// <summary>Called by the writer after a commit with the connection that committed: counts its WAL pages.</summary>
    public void Committed(SqliteConnection connection)
    {
        var handle = connection.Handle;
        if (handle is null)
        {
            return;
        }

        // Pages this connection wrote out since the last reset: in WAL mode, the frames it appended.
        _ = raw.sqlite3_db_status(handle, raw.SQLITE_DBSTATUS_CACHE_WRITE, out var written, out _, 1);
        if (written <= 0)
        {
            return;
        }

        lock (gate)
        {
            pagesSinceCheckpoint += written;
            if (pagesSinceCheckpoint < passivePages || due || stopping)
            {
                return;
            }

            if (Failure is not null)
            {
                // The thread gave up: the writer checkpoints itself, as SQLite's auto-checkpoint would have.
                pagesSinceCheckpoint = 0;
                _ = raw.sqlite3_wal_checkpoint_v2(handle, null, raw.SQLITE_CHECKPOINT_PASSIVE, out _, out _);
                return;
            }

            due = true;
            if (thread is null)
            {
                // Started on first need: a store that is only read, or written little, never has one.
                thread = new Thread(Loop) { IsBackground = true, Name = "SQLite WAL checkpointer" };
                thread.Start();
            }

            Monitor.Pulse(gate);
        }
    }

    /// <summary>Stops the thread (a checkpoint under way finishes first).</summary>
    public void Dispose()
    {
        Thread? running;
        lock (gate)
        {
            stopping = true;
            running = thread;
            Monitor.Pulse(gate);
        }

        running?.Join();
    }

    private void Loop()
    {
        SqliteConnection? connection = null;
        try
        {
            while (WaitUntilDue())
            {
                if (connection is null)
                {
                    connection = new SqliteConnection(connectionString);
                    connection.Open();
                    configure(connection);
                    using var timeout = connection.CreateCommand();
                    timeout.CommandText = FormattableString.Invariant($"PRAGMA busy_timeout = {BusyTimeoutMs}");
                    timeout.ExecuteNonQuery();
                }

                Checkpoint(connection);
            }
        }
        catch (SqliteException e)
        {
            // A checkpoint that fails loses nothing (the pages stay in the WAL); it is remembered, the thread stops and
            // the writer takes the checkpoints over.
            lock (gate)
            {
                Failure = e;
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private bool WaitUntilDue()
    {
        lock (gate)
        {
            while (!due && !stopping)
            {
                Monitor.Wait(gate);
            }

            due = false;
            pagesSinceCheckpoint = 0;
            return !stopping;
        }
    }

    private void Checkpoint(SqliteConnection connection)
    {
        var handle = connection.Handle!;
        var count = Interlocked.Increment(ref checkpoints);
        var mode = count % TruncateEvery == 0 ? raw.SQLITE_CHECKPOINT_TRUNCATE : raw.SQLITE_CHECKPOINT_PASSIVE;
        var code = raw.sqlite3_wal_checkpoint_v2(handle, null, mode, out var logPages, out var copiedPages);
        if (mode == raw.SQLITE_CHECKPOINT_PASSIVE && code == raw.SQLITE_OK && copiedPages < logPages)
        {
            // Readers of older snapshots kept some pages from being copied: wait for them this once and empty the WAL.
            code = raw.sqlite3_wal_checkpoint_v2(handle, null, raw.SQLITE_CHECKPOINT_TRUNCATE, out _, out _);
        }

        // BUSY: another process's checkpoint or a writer held the lock the TRUNCATE waited for; the next one retries.
        if (code != raw.SQLITE_OK && code != raw.SQLITE_BUSY && code != raw.SQLITE_LOCKED)
        {
            throw new SqliteException($"WAL checkpoint: SQLite error {code}: {raw.sqlite3_errmsg(handle).utf8_to_string()}", code);
        }
    }
}
