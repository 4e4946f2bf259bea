using System.Buffers.Binary;
using CityCard.Cards.Apdu;

namespace CityCard.Cards.Cos;

/// <summary>APPLICATION BLOCK and APPLICATION UNBLOCK (line-protected with the maintenance key).</summary>
public sealed partial class SoftCard
{
    private byte[] SetApplicationBlocked(CommandApdu apdu, byte[]? usableChallenge, bool blocked)
    {
        if (apdu.P1 != 0x00 || apdu.P2 != 0x00)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        if (apdu.Data.Length != 4 || apdu.Case != ApduCase.Case3)
        {
            return Status(StatusWords.WrongLength);
        }

        if (!adfSelected || usableChallenge is null)
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        var expected = LineMac.Compute(keys.Maintenance, usableChallenge, apdu.Bytes[..5]);
        if (expected != BinaryPrimitives.ReadUInt32BigEndian(apdu.Data))
        {
            return Status(StatusWords.MacInvalid);
        }

        if (memory.IsBlocked != blocked)
        {
            memory.WriteByte(CardMemory.BlockedOffset, blocked ? (byte)1 : (byte)0);
        }

        return Success(default);
    }
}
