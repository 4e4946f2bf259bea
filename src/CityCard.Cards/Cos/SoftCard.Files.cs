using System.Buffers.Binary;
using System.Security.Cryptography;
using CityCard.Cards.Apdu;
using CityCard.Cards.Application;

namespace CityCard.Cards.Cos;

/// <summary>File system, PIN and challenge commands.</summary>
public sealed partial class SoftCard
{
    // 6F 15 | 84 0E "1PAY.SYS.DDF01" | A5 03 88 01 01 (SFI of the DIR file).
    private static ReadOnlySpan<byte> MasterFileFci =>
        [0x6F, 0x15, 0x84, 0x0E, 0x31, 0x50, 0x41, 0x59, 0x2E, 0x53, 0x59, 0x53, 0x2E, 0x44, 0x44, 0x46, 0x30, 0x31, 0xA5, 0x03, 0x88, 0x01, CityCardApplication.DirSfi];

    private static bool IsRecordFile(CardFile file) => file is CardFile.Dir or CardFile.Capp or CardFile.History;

    private byte[] Select(CommandApdu apdu)
    {
        if (apdu.P2 != 0x00)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        switch (apdu.P1)
        {
            case 0x04 when apdu.Data.IsEmpty:
                return Status(StatusWords.WrongLength);
            case 0x04 when apdu.Data.SequenceEqual(CityCardApplication.Aid):
                return SelectApplication();
            case 0x04 when apdu.Data.SequenceEqual(CityCardApplication.PaymentSystemName):
                return SelectMasterFile();
            case 0x04:
                return Status(StatusWords.FileNotFound);
            case 0x00 when apdu.Data.IsEmpty:
                return SelectMasterFile();
            case 0x00 when apdu.Data.Length != 2:
                return Status(StatusWords.WrongLength);
            case 0x00:
                return SelectByFileId(BinaryPrimitives.ReadUInt16BigEndian(apdu.Data));
            default:
                return Status(StatusWords.IncorrectParameters);
        }
    }

    private byte[] SelectByFileId(ushort fileId)
    {
        switch (fileId)
        {
            case CityCardApplication.MasterFileId:
                return SelectMasterFile();
            case CityCardApplication.AdfFileId:
                return SelectApplication();
        }

        var file = (adfSelected, fileId) switch
        {
            (false, CityCardApplication.DirFileId) => CardFile.Dir,
            (true, 0x0015) => CardFile.PublicInfo,
            (true, 0x0016) => CardFile.Cardholder,
            (true, 0x0017) => CardFile.Capp,
            (true, 0x0018) => CardFile.History,
            (true, 0x0019) when concessionBytes is not null => CardFile.Concession,
            _ => CardFile.None,
        };
        if (file == CardFile.None)
        {
            return Status(StatusWords.FileNotFound);
        }

        currentFile = file;
        return Success(default);
    }

    private byte[] SelectMasterFile()
    {
        adfSelected = false;
        currentFile = CardFile.None;
        pinVerified = false;
        return Success(MasterFileFci);
    }

    private byte[] SelectApplication()
    {
        adfSelected = true;
        currentFile = CardFile.None;
        pinVerified = false;
        return Success(adfFci);
    }

    private CardFile FileBySfi(int sfi) => (adfSelected, sfi) switch
    {
        (false, CityCardApplication.DirSfi) => CardFile.Dir,
        (true, CityCardApplication.PublicInfoSfi) => CardFile.PublicInfo,
        (true, CityCardApplication.CardholderSfi) => CardFile.Cardholder,
        (true, CityCardApplication.CappSfi) => CardFile.Capp,
        (true, CityCardApplication.HistorySfi) => CardFile.History,
        (true, CityCardApplication.ConcessionSfi) when concessionBytes is not null => CardFile.Concession,
        _ => CardFile.None,
    };

    // READ BINARY and UPDATE BINARY address a file the same way: P1 = 100 SFI with P2 the offset, or P1 P2 a 15-bit
    // offset in the current EF. Returns the status to answer with when the address is refused, else null.
    private byte[]? BinaryTarget(CommandApdu apdu, out CardFile file, out int offset)
    {
        if ((apdu.P1 & 0x80) != 0)
        {
            file = FileBySfi(apdu.P1 & 0x1F);
            offset = apdu.P2;
            if ((apdu.P1 & 0x60) != 0)
            {
                return Status(StatusWords.IncorrectParameters);
            }

            return file == CardFile.None ? Status(StatusWords.FileNotFound) : null;
        }

        file = currentFile;
        offset = (apdu.P1 << 8) | apdu.P2;
        return file == CardFile.None ? Status(StatusWords.ConditionsNotSatisfied) : null;
    }

    private byte[] ReadBinary(CommandApdu apdu)
    {
        if (!apdu.Data.IsEmpty || apdu.ExpectedLength is not { } expected)
        {
            return Status(StatusWords.WrongLength);
        }

        if (BinaryTarget(apdu, out var file, out var offset) is { } refused)
        {
            return refused;
        }

        byte[]? contents = file switch
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

        if (file == CardFile.Cardholder && !pinVerified)
        {
            return Status(StatusWords.SecurityStatusNotSatisfied);
        }

        currentFile = file;
        if (offset >= contents.Length)
        {
            return Status(StatusWords.WrongOffset);
        }

        var available = contents.Length - offset;
        var count = expected == CommandApdu.MaxResponseLength ? Math.Min(available, expected) : expected;
        return count > available ? Status(StatusWords.WrongLength) : Success(contents.AsSpan(offset, count));
    }

    private byte[] ReadRecord(CommandApdu apdu)
    {
        if (!apdu.Data.IsEmpty || apdu.ExpectedLength is null)
        {
            return Status(StatusWords.WrongLength);
        }

        if ((apdu.P2 & 0x07) != 0x04)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        var sfi = apdu.P2 >> 3;
        var file = sfi == 0 ? currentFile : FileBySfi(sfi);
        if (file == CardFile.None)
        {
            return Status(sfi == 0 ? StatusWords.ConditionsNotSatisfied : StatusWords.FileNotFound);
        }

        if (!IsRecordFile(file))
        {
            return Status(StatusWords.IncompatibleFileStructure);
        }

        var record = file switch
        {
            CardFile.Dir => apdu.P1 == 1 ? CityCardApplication.DirRecord : default,
            CardFile.Capp => apdu.P1 >= 1 && apdu.P1 <= memory.CappRecordCount ? memory.CappRecord(apdu.P1) : default,
            _ => memory.HistoryRecord(apdu.P1),
        };
        if (record.IsEmpty)
        {
            return Status(StatusWords.RecordNotFound);
        }

        currentFile = file;
        return apdu.AcceptsResponseLength(record.Length) ? Success(record) : Status(StatusWords.WrongLength);
    }

    private byte[] Verify(CommandApdu apdu)
    {
        if (apdu.P1 != 0x00 || apdu.P2 != 0x00)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        if (!adfSelected)
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        var tries = memory.PinTries;
        if (tries == 0)
        {
            return Status(StatusWords.PinBlocked);
        }

        if (apdu.Data.IsEmpty)
        {
            return Status(StatusWords.PinTriesRemaining(tries));
        }

        if (apdu.Data.Length is < 2 or > 6)
        {
            return Status(StatusWords.WrongLength);
        }

        if (CryptographicOperations.FixedTimeEquals(apdu.Data, pinBcd))
        {
            if (tries != PinTryLimit)
            {
                memory.WriteByte(CardMemory.PinTriesOffset, (byte)PinTryLimit);
            }

            pinVerified = true;
            return Success(default);
        }

        // The decrement is written before the answer, so pulling the card cannot buy an extra try.
        pinVerified = false;
        memory.WriteByte(CardMemory.PinTriesOffset, (byte)(tries - 1));
        return Status(tries == 1 ? StatusWords.PinBlocked : StatusWords.PinTriesRemaining(tries - 1));
    }

    private byte[] GetChallenge(CommandApdu apdu)
    {
        if (apdu.P1 != 0x00 || apdu.P2 != 0x00)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        if (!apdu.Data.IsEmpty || apdu.ExpectedLength is not (4 or 8))
        {
            return Status(StatusWords.WrongLength);
        }

        var value = new byte[apdu.ExpectedLength.Value];
        random.Fill(value);
        challenge = value;
        return Success(value);
    }
}
