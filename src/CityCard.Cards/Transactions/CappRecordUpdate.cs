using CityCard.Cards.Application;

namespace CityCard.Cards.Transactions;

/// <summary>A record a composite purchase writes into the CAPP file EF 0017 (48 bytes, record number from 1).</summary>
public sealed record CappRecordUpdate
{
    /// <summary>Creates the update; throws when the record number or the data length is wrong.</summary>
    public CappRecordUpdate(byte recordNumber, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfZero(recordNumber);
        if (data.Length != CityCardApplication.CappRecordLength)
        {
            throw new ArgumentException($"data: a CAPP record has {CityCardApplication.CappRecordLength} bytes, got {data.Length}", nameof(data));
        }

        RecordNumber = recordNumber;
        Data = (byte[])data.Clone();
    }

    /// <summary>The record number (P1 of UPDATE CAPP DATA CACHE).</summary>
    public byte RecordNumber { get; }

    /// <summary>The 48 record bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }
}
