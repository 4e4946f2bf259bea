using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// The hash chain of the operator log: entry n's hash is SHA-256 over entry n−1's hash and entry n's fields, each
/// length-prefixed (4 bytes, big-endian) so no two different entries encode alike. The first entry chains to 64 zeros.
/// </summary>
public static class OperatorLogChain
{
    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>The hash of an entry with these fields after <paramref name="previousHash"/> (lower-case hex).</summary>
    public static string Hash(string previousHash, long sequence, string who, string action, string subject, DateTimeOffset atUtc, string before, string after, string requestId)
    {
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var field in new[] { previousHash, sequence.ToString(CultureInfo.InvariantCulture), who, action, subject, atUtc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), before, after, requestId })
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>The hash an entry should have, recomputed from its fields.</summary>
    public static string Recompute(OperatorLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Hash(entry.PreviousHash, entry.Sequence, entry.Operator, entry.Action, entry.Subject, entry.AtUtc, entry.Before, entry.After, entry.RequestId);
    }

    /// <summary>Every break in a log read in sequence order: a missing sequence, a wrong link, an altered entry.</summary>
    public static List<string> Breaks(IEnumerable<OperatorLogEntry> entries, long expectedCount, string? expectedHead)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var problems = new List<string>();
        var previous = Genesis;
        long expected = 1;
        foreach (var entry in entries)
        {
            if (entry.Sequence != expected)
            {
                problems.Add($"operator log: entry {expected} is missing (next is {entry.Sequence})");
            }

            if (!string.Equals(entry.PreviousHash, previous, StringComparison.Ordinal))
            {
                problems.Add($"operator log: entry {entry.Sequence} does not link to the entry before it");
            }

            if (!string.Equals(Recompute(entry), entry.Hash, StringComparison.Ordinal))
            {
                problems.Add($"operator log: entry {entry.Sequence} was altered (its hash does not match its content)");
            }

            previous = entry.Hash;
            expected = entry.Sequence + 1;
        }

        if (expected - 1 != expectedCount || (expectedCount > 0 && !string.Equals(previous, expectedHead, StringComparison.Ordinal)))
        {
            problems.Add($"operator log: the recorded head is entry {expectedCount}, the log ends at entry {expected - 1} (entries removed from the end, or the head was changed)");
        }

        return problems;
    }
}
