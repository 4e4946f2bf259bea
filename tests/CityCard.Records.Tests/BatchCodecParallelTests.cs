using CityCard.Records.Batches;
using CsCheck;

namespace CityCard.Records.Tests;

/// <summary><see cref="BatchCodec.ReadParallel"/> answers exactly as <see cref="BatchCodec.Read"/>: records, and the first problem.</summary>
public sealed class BatchCodecParallelTests
{
    private static readonly byte[] Key = UploadKeys.Derive(Security.Keys.DemoKeySet.Create(Security.Ep.EpAlgorithm.Des), 42);

    // Over two chunks of 4,096 records, so the parallel path is taken.
    private static readonly Lazy<byte[]> Large = new(() => BatchCodec.Write(BatchCodecTests.Header(), BatchCodecTests.RecordGen.Array[9_000].Single(), Key));

    [Fact]
    public void LargeFile_SameRecordsAsRead()
    {
        var parallel = BatchCodec.ReadParallel(Large.Value, Key);
        var sequential = BatchCodec.Read(Large.Value, Key);

        Assert.Equal(sequential.Header, parallel.Header);
        Assert.Equal(sequential.Records, parallel.Records);
        Assert.Equal(sequential.AmountSumFen, parallel.AmountSumFen);
    }

    [Fact]
    public void DamagedLargeFile_SameFirstProblemAsRead()
    {
        Gen.Select(Gen.Int[0, Large.Value.Length - 1], Gen.Int[0, Large.Value.Length - 1], Gen.Byte, Gen.Int[0, 40]).Sample((first, second, value, cut) =>
        {
            var copy = (byte[])Large.Value.Clone();
            copy[first] = value;
            copy[second] ^= 0x5A;
            var damaged = copy[..^cut];
            Assert.Equal(Problem(() => BatchCodec.Read(damaged, Key)), Problem(() => BatchCodec.ReadParallel(damaged, Key)));
        }, iter: 60);
    }

    [Fact]
    public void SmallFile_AndWrongKey_SameAsRead()
    {
        var small = BatchCodec.Write(BatchCodecTests.Header(), BatchCodecTests.RecordGen.List[3].Single(), Key);
        var other = UploadKeys.Derive(Security.Keys.DemoKeySet.Create(Security.Ep.EpAlgorithm.Des), 43);

        Assert.Equal(BatchCodec.Read(small, Key).Records, BatchCodec.ReadParallel(small, Key).Records);
        Assert.Equal(Problem(() => BatchCodec.Read(Large.Value, other)), Problem(() => BatchCodec.ReadParallel(Large.Value, other)));
        Assert.Throws<ArgumentException>(() => BatchCodec.ReadParallel(Large.Value, Key.AsSpan(0, 8)));
    }

    private static string Problem(Func<BatchFile> read)
    {
        try
        {
            read();
            return "no problem";
        }
        catch (BatchFormatException e)
        {
            return $"{e.Offset} {e.Field}: {e.Message}";
        }
    }
}
