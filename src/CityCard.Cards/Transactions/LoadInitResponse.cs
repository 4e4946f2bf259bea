using System.Buffers.Binary;

namespace CityCard.Cards.Transactions;

/// <summary>
/// The 16 bytes INITIALIZE FOR LOAD returns: balance(4) ‖ online counter(2) ‖ key version(1) ‖ algorithm id(1) ‖
/// random(4) ‖ MAC1(4). The balance is two's complement (negative within the overdraft).
/// </summary>
public readonly record struct LoadInitResponse(int Balance, ushort OnlineCounter, byte KeyVersion, byte AlgorithmId, uint Random, uint Mac1)
{
    /// <summary>Length of the response data.</summary>
    public const int Length = 16;

    /// <summary>Decodes the response data; false when it is not 16 bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out LoadInitResponse response)
    {
        response = default;
        if (data.Length != Length)
        {
            return false;
        }

        response = new LoadInitResponse(
            BinaryPrimitives.ReadInt32BigEndian(data),
            BinaryPrimitives.ReadUInt16BigEndian(data[4..]),
            data[6],
            data[7],
            BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[12..]));
        return true;
    }
}
