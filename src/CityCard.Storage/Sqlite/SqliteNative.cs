using System.Runtime.InteropServices;
using SQLitePCL;

namespace CityCard.Storage.Sqlite;

/// <summary>
/// The per-value calls of the clearing hot path (record and posting inserts, card loads and updates), straight into the
/// bundled SQLite library (the one SQLitePCLRaw loads) by the statement's raw pointer: no SafeHandle reference counting
/// and, for integers, no GC transition per value. A batch of 50,000 records binds 900,000 values on the writer's thread,
/// the one the pipeline waits for.
/// </summary>
internal static class SqliteNative
{
    private const string Library = "e_sqlite3";

    // SQLITE_TRANSIENT: SQLite copies the bytes before the call returns.
    private static readonly IntPtr Transient = new(-1);

    /// <summary>Binds an integer; the result code.</summary>
    public static int BindInt64(IntPtr statement, int index, long value) => NativeBindInt64(statement, index, value);

    /// <summary>Binds a copy of <paramref name="value"/>; the result code.</summary>
    public static int BindBlob(IntPtr statement, int index, byte[] value) => NativeBindBlob(statement, index, value, value.Length, Transient);

    /// <summary>Binds NULL; the result code.</summary>
    public static int BindNull(IntPtr statement, int index) => NativeBindNull(statement, index);

    /// <summary>An integer column of the current row.</summary>
    public static long ColumnInt64(IntPtr statement, int column) => NativeColumnInt64(statement, column);

    /// <summary>The type of a column of the current row (SQLITE_INTEGER, SQLITE_NULL, …).</summary>
    public static int ColumnType(IntPtr statement, int column) => NativeColumnType(statement, column);

    /// <summary>The raw pointer of a prepared statement, valid while it is not disposed.</summary>
    public static IntPtr Pointer(sqlite3_stmt statement) => statement.DangerousGetHandle();

    [DllImport(Library, EntryPoint = "sqlite3_bind_int64", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int NativeBindInt64(IntPtr statement, int index, long value);

    [DllImport(Library, EntryPoint = "sqlite3_bind_null", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int NativeBindNull(IntPtr statement, int index);

    [DllImport(Library, EntryPoint = "sqlite3_column_int64", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern long NativeColumnInt64(IntPtr statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_type", ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int NativeColumnType(IntPtr statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_bind_blob", ExactSpelling = true)]
    private static extern int NativeBindBlob(IntPtr statement, int index, byte[] value, int length, IntPtr destructor);
}
