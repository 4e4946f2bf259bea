using CityCard.Clearing.Storage;

namespace CityCard.Storage.Sql;

/// <summary><see cref="IBulkWrite"/> on one pooled connection: each step a write transaction of the dialect.</summary>
internal sealed class SqlBulkWrite(SqlDialect dialect, SqlSession session) : IBulkWrite
{
    private bool open = true;

    public IClearingWriter Writer => session;

    /// <summary>Runs between a step's commit and the next step's begin (tests: another writer slipping in there).</summary>
    internal Action? BetweenSteps { get; set; }

    public bool CommitAndContinue()
    {
        ObjectDisposedException.ThrowIf(!open, this);
        return dialect.CommitAndBegin(session, BetweenSteps);
    }

    public void Commit()
    {
        ObjectDisposedException.ThrowIf(!open, this);
        open = false;
        session.Transaction.Commit();
        dialect.Committed(session.Connection);
    }

    public void Dispose()
    {
        // A step not committed is rolled back by disposing its transaction; the connection goes back to the pool.
        session.Transaction.Dispose();
        session.Connection.Dispose();
        open = false;
    }
}
