namespace CityCard.Cards.Application;

/// <summary>
/// EF 0019, the concession's annual verification (年审) data, 8 bytes: concession valid until <c>YYYYMMDD</c> (BCD) ‖ last
/// verified on <c>YYYYMMDD</c> (BCD). All zeros in a date means none: a card whose concession has no verification date
/// (ordinary cards, cards of products without annual verification). Written at personalisation and rewritten at an
/// outlet with a line-protected UPDATE BINARY under the maintenance key (docs/card.md).
/// </summary>
public sealed record ConcessionData
{
    /// <summary>Length of EF 0019.</summary>
    public const int Length = 8;

    /// <summary>No verification date (all zeros).</summary>
    public static ConcessionData None { get; } = new();

    /// <summary>The concession's last valid day, or null when it has no verification date.</summary>
    public DateOnly? ValidUntil { get; init; }

    /// <summary>The day the holder's entitlement was last verified, or null.</summary>
    public DateOnly? VerifiedOn { get; init; }

    /// <summary>
    /// True when the card type's concession applies on <paramref name="day"/>: there is no verification date, or the day
    /// is not after it. An expired concession is charged as ordinary until renewed at an outlet.
    /// </summary>
    public bool AppliesOn(DateOnly day) => ValidUntil is not { } until || day <= until;

    /// <summary>Decodes the file; false when a date is neither all zeros nor a valid BCD date.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out ConcessionData? data)
    {
        data = null;
        if (bytes.Length != Length || !TryDate(bytes[..4], out var until) || !TryDate(bytes[4..], out var verified))
        {
            return false;
        }

        data = new ConcessionData { ValidUntil = until, VerifiedOn = verified };
        return true;
    }

    /// <summary>The 8 file bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        if (ValidUntil is { } until)
        {
            BcdDate.Write(until, bytes);
        }

        if (VerifiedOn is { } verified)
        {
            BcdDate.Write(verified, bytes.AsSpan(4));
        }

        return bytes;
    }

    private static bool TryDate(ReadOnlySpan<byte> bytes, out DateOnly? date)
    {
        date = null;
        if (!bytes.ContainsAnyExcept((byte)0))
        {
            return true;
        }

        if (!BcdDate.TryRead(bytes, out var value))
        {
            return false;
        }

        date = value;
        return true;
    }
}
