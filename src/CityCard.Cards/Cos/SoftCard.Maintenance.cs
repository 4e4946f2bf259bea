using System.Buffers.Binary;
using CityCard.Cards.Apdu;
using CityCard.Cards.Application;

namespace CityCard.Cards.Cos;

/// <summary>
/// Line-protected maintenance with the maintenance key (DAMK): APPLICATION BLOCK and UNBLOCK, and UPDATE BINARY of the
/// binary files (EF 0015 card type and validity, EF 0016 holder, EF 0019 concession date) at an outlet.
/// </summary>
public sealed partial class SoftCard
{
    private const int LineMacLength = 4;

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

    /// <summary>
    /// <c>04 D6 (80|SFI) offset Lc data ‖ MAC</c> (or P1 P2 = offset in the current EF): the MAC is the line MAC under the
    /// maintenance key over <c>04 D6 P1 P2 Lc ‖ data</c> with the challenge of the GET CHALLENGE just before (STANDARDS.md
    /// §2.8). The new contents must still decode, and EF 0015 must keep its card number and city (the keys depend on them).
    /// The file is replaced in one step: a power cut leaves the old or the new contents.
    /// </summary>
    private byte[] UpdateBinary(CommandApdu apdu, byte[]? usableChallenge)
    {
        if (apdu.Case != ApduCase.Case3 || apdu.Data.Length <= LineMacLength)
        {
            return Status(StatusWords.WrongLength);
        }

        if (BinaryTarget(apdu, out var file, out var offset) is { } refused)
        {
            return refused;
        }

        var contents = file switch
        {
            CardFile.PublicInfo => publicInfoBytes,
            CardFile.Cardholder => cardholderBytes,
            CardFile.Concession => concessionBytes,
            _ => null,
        };
        if (contents is null)
        {
            return Status(StatusWords.IncompatibleFileStructure);
        }

        if (!adfSelected || usableChallenge is null)
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        var data = apdu.Data[..^LineMacLength];
        if (offset >= contents.Length)
        {
            return Status(StatusWords.WrongOffset);
        }

        if (offset + data.Length > contents.Length)
        {
            return Status(StatusWords.WrongLength);
        }

        var macData = new byte[5 + data.Length];
        apdu.Bytes[..5].CopyTo(macData);
        data.CopyTo(macData.AsSpan(5));
        if (LineMac.Compute(keys.Maintenance, usableChallenge, macData) != BinaryPrimitives.ReadUInt32BigEndian(apdu.Data[^LineMacLength..]))
        {
            return Status(StatusWords.MacInvalid);
        }

        var updated = (byte[])contents.Clone();
        data.CopyTo(updated.AsSpan(offset));
        if (!Accept(file, updated))
        {
            return Status(StatusWords.IncorrectData);
        }

        updated.CopyTo(contents, 0);
        currentFile = file;
        return Success(default);
    }

    // Decodes the new contents of a file and takes them into the decoded views; false leaves everything as it was.
    private bool Accept(CardFile file, byte[] updated)
    {
        switch (file)
        {
            case CardFile.PublicInfo when CardPublicInfo.TryParse(updated, out var info) && info is not null && info.Asn == PublicInfo.Asn && info.City == PublicInfo.City:
                PublicInfo = info;
                adfFci = BuildAdfFci(updated);
                return true;
            case CardFile.Cardholder when Application.Cardholder.TryParse(updated, out var holder) && holder is not null:
                Cardholder = holder;
                return true;
            case CardFile.Concession when ConcessionData.TryParse(updated, out var concession) && concession is not null:
                Concession = concession;
                return true;
            default:
                return false;
        }
    }
}
