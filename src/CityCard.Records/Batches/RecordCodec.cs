using System.Buffers.Binary;
using CityCard.Security.Ep;

namespace CityCard.Records.Batches;

/// <summary>The 80-byte record layout of batch format v1 (docs/batch-format.md); terminals also use it in their journals.</summary>
public static class RecordCodec
{
    /// <summary>Writes a record into 80 bytes; values that do not fit raise <see cref="ArgumentException"/> naming the field.</summary>
    public static void Write(TransactionRecord record, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(record);
        Require(Enum.IsDefined(record.Kind), "kind", $"{record.Kind} is not defined");
        Require(record.AmountFen is >= 0 and <= uint.MaxValue, "amount", $"{record.AmountFen} fen does not fit 4 bytes");
        Require(record.BalanceBeforeFen is >= int.MinValue and <= int.MaxValue, "balanceBefore", $"{record.BalanceBeforeFen} fen does not fit 4 signed bytes");
        Require(record.FullFareFen is >= 0 and <= uint.MaxValue, "fullFare", $"{record.FullFareFen} fen does not fit 4 bytes");
        Require(Enum.IsDefined(record.Algorithm), "algorithm", $"{record.Algorithm} is not defined");
        destination[..BatchCodec.RecordLength].Clear();
        destination[0] = (byte)record.Kind;
        destination[1] = (byte)record.Marks;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], record.CityCode.Value);
        record.Asn.WriteTo(destination[4..]);
        destination[12] = record.CardType;
        destination[13] = record.TransactionType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], record.Counter);
        BinaryPrimitives.WriteInt32BigEndian(destination[16..], (int)record.BalanceBeforeFen);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], (uint)record.AmountFen);
        record.Terminal.WriteTo(destination[24..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination[30..], record.Ttsn);
        record.DateTime.WriteTo(destination[34..]);
        destination[41] = record.KeyVersion;
        destination[42] = (byte)record.Algorithm;
        BinaryPrimitives.WriteUInt32BigEndian(destination[43..], record.Tac);
        destination[47] = (byte)record.Discount;
        BinaryPrimitives.WriteUInt32BigEndian(destination[48..], (uint)record.FullFareFen);
        BinaryPrimitives.WriteUInt32BigEndian(destination[52..], record.MerchantId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[56..], record.Line);
        BinaryPrimitives.WriteUInt16BigEndian(destination[58..], record.Stop);
        BinaryPrimitives.WriteUInt16BigEndian(destination[60..], record.ExitStop);
        BinaryPrimitives.WriteUInt32BigEndian(destination[62..], record.DeviceSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[66..], record.BlacklistVersion);
        BinaryPrimitives.WriteUInt32BigEndian(destination[70..], record.Extra1);
        BinaryPrimitives.WriteUInt32BigEndian(destination[74..], record.Extra2);
    }

    /// <summary>Reads and checks 80 bytes; <paramref name="offset"/> is the record's position in its file, for error messages.</summary>
    public static TransactionRecord Read(ReadOnlySpan<byte> source, long offset)
    {
        // The checks run for every record of every batch: the error text is only built when a check fails.
        var kind = (RecordKind)source[0];
        if (!Enum.IsDefined(kind))
        {
            throw new BatchFormatException(offset, "kind", $"{source[0]} is not a record kind (1..4)");
        }

        var flags = (RecordMarks)source[1];
        if ((source[1] & ~(byte)(RecordMarks.RecoveredByProve | RecordMarks.AccessAllowed)) != 0)
        {
            throw new BatchFormatException(offset + 1, "flags", $"unknown flag bits {source[1]:X2}");
        }

        var type = source[13];
        if (type != TransactionRecord.ExpectedTransactionType(kind))
        {
            throw new BatchFormatException(offset + 13, "transaction type", $"{type:X2} does not match record kind {kind}");
        }

        if (!BcdDateTime.TryRead(source[34..41], out var when))
        {
            throw new BatchFormatException(offset + 34, "datetime", $"{Convert.ToHexString(source[34..41])} is not a valid BCD date-time");
        }

        if (!EpAlgorithms.TryFromId(source[42], out var algorithm))
        {
            throw new BatchFormatException(offset + 42, "algorithm", $"{source[42]:X2} is not an algorithm id (00 DES, 04 SM4)");
        }

        var discount = (DiscountKind)source[47];
        if (!Enum.IsDefined(discount))
        {
            throw new BatchFormatException(offset + 47, "discount", $"{source[47]} is not a discount kind (0..4)");
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(source[78..]) != 0)
        {
            throw new BatchFormatException(offset + 78, "reserved", "must be zero");
        }

        var amount = BinaryPrimitives.ReadUInt32BigEndian(source[20..]);
        if (kind == RecordKind.Access && amount != 0)
        {
            throw new BatchFormatException(offset + 20, "amount", "an access event moves no money");
        }

        var balanceBefore = BinaryPrimitives.ReadInt32BigEndian(source[16..]);
        return new TransactionRecord
        {
            Kind = kind,
            Marks = flags,
            CityCode = new CityCode(BinaryPrimitives.ReadUInt16BigEndian(source[2..])),
            Asn = Asn.Read(source[4..]),
            CardType = source[12],
            Counter = BinaryPrimitives.ReadUInt16BigEndian(source[14..]),
            BalanceBeforeFen = balanceBefore,
            AmountFen = amount,
            Terminal = TerminalId.Read(source[24..]),
            Ttsn = BinaryPrimitives.ReadUInt32BigEndian(source[30..]),
            DateTime = when,
            KeyVersion = source[41],
            Algorithm = algorithm!.Value,
            Tac = BinaryPrimitives.ReadUInt32BigEndian(source[43..]),
            Discount = discount,
            FullFareFen = BinaryPrimitives.ReadUInt32BigEndian(source[48..]),
            MerchantId = BinaryPrimitives.ReadUInt32BigEndian(source[52..]),
            Line = BinaryPrimitives.ReadUInt16BigEndian(source[56..]),
            Stop = BinaryPrimitives.ReadUInt16BigEndian(source[58..]),
            ExitStop = BinaryPrimitives.ReadUInt16BigEndian(source[60..]),
            DeviceSequence = BinaryPrimitives.ReadUInt32BigEndian(source[62..]),
            BlacklistVersion = BinaryPrimitives.ReadUInt32BigEndian(source[66..]),
            Extra1 = BinaryPrimitives.ReadUInt32BigEndian(source[70..]),
            Extra2 = BinaryPrimitives.ReadUInt32BigEndian(source[74..]),
        };
    }

    private static void Require(bool condition, string field, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"record {field}: {problem}", field);
        }
    }
}
