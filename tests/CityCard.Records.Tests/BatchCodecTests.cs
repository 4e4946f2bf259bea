using CityCard.Records.Batches;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CsCheck;

namespace CityCard.Records.Tests;

public sealed class BatchCodecTests
{
    private static readonly byte[] Key = UploadKeys.Derive(DemoKeySet.Create(EpAlgorithm.Des), 42);

    internal static readonly Gen<TransactionRecord> RecordGen =
        Gen.Select(Gen.Enum<RecordKind>(), Gen.ULong, Gen.UShort, Gen.Int[-5000, 1_000_000], Gen.UInt[0, 100_000], Gen.ULong[0, 0xFFFF_FFFF_FFFF], Gen.UInt, Gen.Int[0, 86_400 * 365])
            .Select((kind, asn, counter, balance, amount, terminal, tac, seconds) => new TransactionRecord
            {
                Kind = kind,
                CityCode = new CityCode(0x2144),
                Asn = new Asn(asn),
                CardType = 1,
                Counter = counter,
                BalanceBeforeFen = balance,
                AmountFen = kind == RecordKind.Access ? 0 : amount,
                Terminal = new TerminalId(terminal),
                Ttsn = (uint)counter * 3,
                DateTime = new BcdDateTime(new DateTime(2026, 1, 1).AddSeconds(seconds)),
                KeyVersion = 1,
                Algorithm = (asn & 1) == 0 ? EpAlgorithm.Des : EpAlgorithm.Sm4,
                Tac = kind == RecordKind.Access ? 0 : tac,
                Discount = DiscountKind.Concession,
                FullFareFen = amount * 2L,
                MerchantId = 7,
                Line = 3,
                Stop = 12,
                ExitStop = 14,
                DeviceSequence = counter,
                BlacklistVersion = 5,
                Extra1 = 1234,
                Extra2 = 56,
                Marks = kind == RecordKind.Access ? RecordMarks.AccessAllowed : RecordMarks.None,
            });

    internal static BatchHeader Header(uint batchNumber = 1) => new()
    {
        DeviceKind = DeviceKind.BusValidator,
        DeviceId = 42,
        PsamTerminal = new TerminalId(0x0000_0001_0001),
        BatchNumber = batchNumber,
        CreatedUtc = new DateTimeOffset(2026, 11, 25, 4, 0, 0, TimeSpan.Zero),
        OperatorId = 9,
        ParameterVersion = 3,
    };

    [Fact]
    public void WriteThenRead_RoundTripsEveryField()
    {
        RecordGen.List[0, 40].Sample(records =>
        {
            var file = BatchCodec.Write(Header(), records, Key);
            Assert.Equal(BatchCodec.HeaderLength + (records.Count * BatchCodec.RecordLength) + BatchCodec.TrailerLength, file.Length);
            var read = BatchCodec.Read(file, Key);
            Assert.Equal(Header(), read.Header);
            Assert.Equal(records, read.Records);
        }, iter: 300);
    }

    [Fact]
    public void FlippedByte_Anywhere_IsRejected()
    {
        var records = RecordGen.List[3].Single();
        var file = BatchCodec.Write(Header(), records, Key);
        for (var i = 0; i < file.Length; i++)
        {
            var copy = (byte[])file.Clone();
            copy[i] ^= 0x01;
            var e = Assert.Throws<BatchFormatException>(() => BatchCodec.Read(copy, Key));
            Assert.StartsWith("batch file: byte ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ValidStructure_WrongDeviceKey_FailsFileMac()
    {
        var file = BatchCodec.Write(Header(), RecordGen.List[2].Single(), Key);
        var other = UploadKeys.Derive(DemoKeySet.Create(EpAlgorithm.Des), 43);
        var e = Assert.Throws<BatchFormatException>(() => BatchCodec.Read(file, other));
        Assert.Equal("file MAC", e.Field);
        Assert.Equal(file.Length - 16, e.Offset);
    }

    [Fact]
    public void Truncated_AtEveryLength_IsRejectedNamingOffset()
    {
        var file = BatchCodec.Write(Header(), RecordGen.List[2].Single(), Key);
        for (var length = 0; length < file.Length; length++)
        {
            var e = Assert.Throws<BatchFormatException>(() => BatchCodec.Read(file.AsSpan(0, length), Key));
            Assert.True(e.Offset <= length, $"offset {e.Offset} beyond length {length}");
        }
    }

    [Fact]
    public void RandomBytes_OnlyEverGiveBatchFormatException()
    {
        Gen.Byte.Array[0, 400].Sample(bytes =>
        {
            try
            {
                BatchCodec.Read(bytes, Key);
            }
            catch (BatchFormatException)
            {
            }
        }, iter: 3000);
    }

    [Fact]
    public void MutatedValidFile_WithoutMacCheck_GivesCleanErrorsOrValidRecords()
    {
        var file = BatchCodec.Write(Header(), RecordGen.List[4].Single(), Key);
        Gen.Select(Gen.Int[0, file.Length - 1], Gen.Byte).Sample((position, value) =>
        {
            var copy = (byte[])file.Clone();
            copy[position] = value;
            try
            {
                BatchCodec.ReadUnverified(copy);
            }
            catch (BatchFormatException)
            {
            }
        }, iter: 5000);
    }

    [Theory]
    [InlineData(10, 9, "device kind", 10)]
    [InlineData(4, 2, "format version", 4)]
    [InlineData(0, 0x58, "magic", 0)]
    [InlineData(48 + 13, 0x07, "transaction type", 48 + 13)]
    [InlineData(48 + 42, 0x02, "algorithm", 48 + 42)]
    [InlineData(48 + 36, 0x13, "datetime", 48 + 34)]
    public void SpecificFieldDamage_IsNamed(int offset, byte value, string field, int fieldOffset)
    {
        var file = BatchCodec.Write(Header(), [RecordGen.Single() with { Kind = RecordKind.Purchase }], Key);
        file[offset] = value;
        var e = Assert.Throws<BatchFormatException>(() => BatchCodec.ReadUnverified(file));
        Assert.Equal(field, e.Field);
        Assert.Equal(fieldOffset, e.Offset);
    }

    [Fact]
    public void TrailerSumMismatch_IsNamed()
    {
        var file = BatchCodec.Write(Header(), [RecordGen.Single() with { Kind = RecordKind.Purchase, AmountFen = 100 }], Key);
        file[^(16 + 1)] ^= 0x01;
        var e = Assert.Throws<BatchFormatException>(() => BatchCodec.ReadUnverified(file));
        Assert.Equal("amount sum", e.Field);
    }

    [Fact]
    public void Writer_RefusesValuesThatDoNotFit()
    {
        var record = RecordGen.Single() with { Kind = RecordKind.Purchase };
        Assert.Throws<ArgumentException>(() => BatchCodec.Write(Header(), [record with { AmountFen = -1 }], Key));
        Assert.Throws<ArgumentException>(() => BatchCodec.Write(Header(), [record with { BalanceBeforeFen = 1L << 40 }], Key));
        Assert.Throws<ArgumentException>(() => BatchCodec.Write(Header(0), [record], Key));
        Assert.Throws<ArgumentException>(() => BatchCodec.Write(Header(), [record], new byte[8]));
    }

    [Fact]
    public void ComputeTac_MatchesScenarioAAndB()
    {
        var dtk = EpKey.Create(EpAlgorithm.Des, Convert.FromHexString("23F5C7C81686B020CB467AE96D25599E"));
        var purchase = new TransactionRecord
        {
            Kind = RecordKind.Purchase, CityCode = new CityCode(0x2144), Asn = new Asn(0x2144000000000001), Counter = 6, BalanceBeforeFen = 100, AmountFen = 1,
            Terminal = new TerminalId(0x000000010001), Ttsn = 0x29, DateTime = BcdDateTime.Parse("20081009140759", "t"),
        };
        Assert.Equal(0xDB6720A9u, purchase.ComputeTac(dtk.TacKey()));
        var load = purchase with
        {
            Kind = RecordKind.Load, Counter = 5, BalanceBeforeFen = 1000, AmountFen = 10000, Terminal = new TerminalId(0x112233445566),
            DateTime = BcdDateTime.Parse("20240101120000", "t"),
        };
        Assert.Equal(11000, load.BalanceAfterFen);
        Assert.Equal(0xD8705594u, load.ComputeTac(dtk.TacKey()));
    }
}
