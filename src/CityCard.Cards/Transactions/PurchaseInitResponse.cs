using System.Buffers.Binary;

namespace CityCard.Cards.Transactions;

/// <summary>
/// The 15 bytes INITIALIZE FOR (CAPP) PURCHASE returns: balance(4) ‖ offline counter(2) ‖ overdraft limit(3) ‖
/// key version(1) ‖ algorithm id(1) ‖ random(4). The balance is two's complement (negative within the overdraft).
/// </summary>
public readonly record struct PurchaseInitResponse(int Balance, ushort OfflineCounter, int OverdraftLimit, byte KeyVersion, byte AlgorithmId, uint Random)
{
    /// <summary>Length of the response data.</summary>
    public const int Length = 15;

    /// <summary>Decodes the response data; false when it is not 15 bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out PurchaseInitResponse response)
    {
        response = default;
        if (data.Length != Length)
        {
            return false;
        }

        response = new PurchaseInitResponse(
            BinaryPrimitives.ReadInt32BigEndian(data),
            BinaryPrimitives.ReadUInt16BigEndian(data[4..]),
            (data[6] << 16) | (data[7] << 8) | data[8],
            data[9],
            data[10],
            BinaryPrimitives.ReadUInt32BigEndian(data[11..]));
        return true;
    }
}
