using System.Buffers.Binary;
using CityCard.Cards.Apdu;
using CityCard.Cards.Application;
using CityCard.Security.Ep;

namespace CityCard.Cards.Cos;

/// <summary>Purse commands: GET BALANCE, INIT / DEBIT / CREDIT, UPDATE CAPP DATA CACHE, GET TRANSACTION PROVE.</summary>
public sealed partial class SoftCard
{
    private const int PurchaseInitResponseLength = 15;
    private const int LoadInitResponseLength = 16;

    private byte[] GetBalance(CommandApdu apdu)
    {
        if (apdu.P1 != 0x00 || apdu.P2 != 0x02)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        if (!apdu.Data.IsEmpty || !apdu.AcceptsResponseLength(4))
        {
            return Status(StatusWords.WrongLength);
        }

        if (!adfSelected)
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        Span<byte> balance = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(balance, memory.Balance);
        return Success(balance);
    }

    private byte[] Initialize(CommandApdu apdu)
    {
        PurseSessionKind? kind = apdu.P1 switch
        {
            0x00 => PurseSessionKind.Load,
            0x01 => PurseSessionKind.Purchase,
            0x03 => PurseSessionKind.CappPurchase,
            _ => null,
        };
        if (kind is not { } sessionKind || apdu.P2 != 0x02)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        var isLoad = sessionKind == PurseSessionKind.Load;
        if (apdu.Data.Length != 11 || !apdu.AcceptsResponseLength(isLoad ? LoadInitResponseLength : PurchaseInitResponseLength))
        {
            return Status(StatusWords.WrongLength);
        }

        if (!adfSelected)
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        if (memory.IsBlocked)
        {
            return Status(StatusWords.ApplicationBlocked);
        }

        if (apdu.Data[0] != CityCardApplication.KeyIndex)
        {
            return Status(StatusWords.KeyNotSupported);
        }

        var amount = BinaryPrimitives.ReadUInt32BigEndian(apdu.Data[1..]);
        var terminal = TerminalId.Read(apdu.Data[5..11]);
        return isLoad ? InitializeForLoad(amount, terminal) : InitializeForPurchase(sessionKind, amount, terminal);
    }

    private byte[] InitializeForPurchase(PurseSessionKind kind, uint amount, TerminalId terminal)
    {
        var counter = memory.OfflineCounter;
        if (counter == ushort.MaxValue)
        {
            return Status(StatusWords.CounterAtMaximum);
        }

        int balance = memory.Balance, overdraft = memory.OverdraftLimit;
        if ((long)balance - amount < -(long)overdraft)
        {
            return Status(StatusWords.InsufficientBalance);
        }

        var randomValue = NextRandom();
        Span<byte> response = stackalloc byte[PurchaseInitResponseLength];
        BinaryPrimitives.WriteInt32BigEndian(response, balance);
        BinaryPrimitives.WriteUInt16BigEndian(response[4..], counter);
        CardMemory.WriteU24(response[6..], overdraft);
        response[9] = keys.KeyVersion;
        response[10] = (byte)keys.Algorithm;
        BinaryPrimitives.WriteUInt32BigEndian(response[11..], randomValue);
        session = new PurseSession(kind, amount, terminal, randomValue, counter, balance, loadSessionKey: null);
        return Success(response);
    }

    private byte[] InitializeForLoad(uint amount, TerminalId terminal)
    {
        var counter = memory.OnlineCounter;
        if (counter == ushort.MaxValue)
        {
            return Status(StatusWords.CounterAtMaximum);
        }

        var balance = memory.Balance;
        if ((long)balance + amount > EpPurse.MaxBalanceFen)
        {
            // The balance field is a signed 32-bit number; a load must never overflow it.
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        var randomValue = NextRandom();
        var sessionKey = EpMacs.LoadSessionKey(keys.Load, randomValue, counter);
        var mac1 = EpMacs.LoadMac1(sessionKey, unchecked((uint)balance), amount, TransactionType.Load, terminal);
        Span<byte> response = stackalloc byte[LoadInitResponseLength];
        BinaryPrimitives.WriteInt32BigEndian(response, balance);
        BinaryPrimitives.WriteUInt16BigEndian(response[4..], counter);
        response[6] = keys.KeyVersion;
        response[7] = (byte)keys.Algorithm;
        BinaryPrimitives.WriteUInt32BigEndian(response[8..], randomValue);
        BinaryPrimitives.WriteUInt32BigEndian(response[12..], mac1);
        session = new PurseSession(PurseSessionKind.Load, amount, terminal, randomValue, counter, balance, sessionKey);
        return Success(response);
    }

    private byte[] DebitForPurchase(CommandApdu apdu, PurseSession? pending)
    {
        if (apdu.P1 != 0x01 || apdu.P2 != 0x00)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        if (apdu.Data.Length != 15 || !apdu.AcceptsResponseLength(8))
        {
            return Status(StatusWords.WrongLength);
        }

        if (pending is not { Kind: PurseSessionKind.Purchase or PurseSessionKind.CappPurchase })
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        var ttsn = BinaryPrimitives.ReadUInt32BigEndian(apdu.Data);
        if (!BcdDateTime.TryRead(apdu.Data[4..11], out var when))
        {
            return Status(StatusWords.IncorrectData);
        }

        var type = pending.TransactionType;
        var sessionKey = EpMacs.PurchaseSessionKey(keys.Purchase, pending.Random, pending.Counter, ttsn);
        if (EpMacs.PurchaseMac1(sessionKey, pending.Amount, type, pending.Terminal, when) != BinaryPrimitives.ReadUInt32BigEndian(apdu.Data[11..]))
        {
            return Status(StatusWords.MacInvalid);
        }

        var mac2 = EpMacs.PurchaseMac2(sessionKey, pending.Amount);
        var tac = EpMacs.PurchaseTac(keys.TacKey, pending.Amount, type, pending.Terminal, ttsn, when);
        var balanceAfter = (int)((long)pending.BalanceBefore - pending.Amount);
        Commit(pending, balanceAfter, memory.OnlineCounter, (ushort)(pending.Counter + 1), when, mac2, tac);
        Span<byte> response = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(response, tac);
        BinaryPrimitives.WriteUInt32BigEndian(response[4..], mac2);
        return Success(response);
    }

    private byte[] CreditForLoad(CommandApdu apdu, PurseSession? pending)
    {
        if (apdu.P1 != 0x00 || apdu.P2 != 0x00)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        if (apdu.Data.Length != 11 || !apdu.AcceptsResponseLength(4))
        {
            return Status(StatusWords.WrongLength);
        }

        if (pending is not { Kind: PurseSessionKind.Load, LoadSessionKey: { } sessionKey })
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        if (!BcdDateTime.TryRead(apdu.Data[..7], out var hostTime))
        {
            return Status(StatusWords.IncorrectData);
        }

        var mac2 = BinaryPrimitives.ReadUInt32BigEndian(apdu.Data[7..]);
        if (EpMacs.LoadMac2(sessionKey, pending.Amount, TransactionType.Load, pending.Terminal, hostTime) != mac2)
        {
            return Status(StatusWords.MacInvalid);
        }

        var balanceAfter = (int)((long)pending.BalanceBefore + pending.Amount);
        var tac = EpMacs.LoadTac(keys.TacKey, unchecked((uint)balanceAfter), pending.Counter, pending.Amount, TransactionType.Load, pending.Terminal, hostTime);
        Commit(pending, balanceAfter, (ushort)(pending.Counter + 1), memory.OfflineCounter, hostTime, mac2, tac);
        Span<byte> response = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(response, tac);
        return Success(response);
    }

    private byte[] UpdateCappDataCache(CommandApdu apdu, PurseSession? pending)
    {
        if ((apdu.P2 & 0x07) != 0)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        if (apdu.P2 >> 3 != CityCardApplication.CappSfi || !adfSelected)
        {
            return Status(StatusWords.FileNotFound);
        }

        if (apdu.P1 < 1 || apdu.P1 > memory.CappRecordCount)
        {
            return Status(StatusWords.RecordNotFound);
        }

        if (apdu.Data.Length != CityCardApplication.CappRecordLength)
        {
            return Status(StatusWords.WrongLength);
        }

        if (pending is not { Kind: PurseSessionKind.CappPurchase })
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        pending.CacheCappRecord(apdu.P1, apdu.Data.ToArray());
        session = pending;
        return Success(default);
    }

    private byte[] GetTransactionProve(CommandApdu apdu)
    {
        if (apdu.P1 != 0x00 || apdu.P2 is not (TransactionType.Load or TransactionType.Purchase or TransactionType.CappPurchase))
        {
            return Status(StatusWords.IncorrectParameters);
        }

        if (apdu.Data.Length != 2 || !apdu.AcceptsResponseLength(8))
        {
            return Status(StatusWords.WrongLength);
        }

        if (!adfSelected)
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        var counter = BinaryPrimitives.ReadUInt16BigEndian(apdu.Data);
        for (var slot = 0; slot < CardMemory.ProofSlotCount; slot++)
        {
            var proof = memory.ProofSlot(slot);
            if (proof[0] == apdu.P2 && BinaryPrimitives.ReadUInt16BigEndian(proof[1..]) == counter)
            {
                return Success(proof[3..]);
            }
        }

        return Status(StatusWords.ConditionsNotSatisfied);
    }

    /// <summary>
    /// Commits a completed transaction in one journalled step: purse area (balance, counters, ring pointers), the EF 0018
    /// record, the transaction proof (MAC2 ‖ TAC under the counter after the transaction), and the cached CAPP records.
    /// </summary>
    private void Commit(PurseSession completed, int balanceAfter, ushort onlineCounter, ushort offlineCounter, BcdDateTime when, uint mac2, uint tac)
    {
        var overdraft = memory.OverdraftLimit;
        var historySlot = memory.HistoryNext;
        var proofSlot = memory.ProofNext;
        var purse = new byte[CardMemory.PurseAreaLength];
        BinaryPrimitives.WriteInt32BigEndian(purse, balanceAfter);
        CardMemory.WriteU24(purse.AsSpan(CardMemory.OverdraftOffset), overdraft);
        BinaryPrimitives.WriteUInt16BigEndian(purse.AsSpan(CardMemory.OnlineCounterOffset), onlineCounter);
        BinaryPrimitives.WriteUInt16BigEndian(purse.AsSpan(CardMemory.OfflineCounterOffset), offlineCounter);
        purse[CardMemory.HistoryNextOffset] = (byte)((historySlot + 1) % memory.HistoryCapacity);
        purse[CardMemory.HistoryCountOffset] = (byte)Math.Min(memory.HistoryCount + 1, memory.HistoryCapacity);
        purse[CardMemory.ProofNextOffset] = (byte)((proofSlot + 1) % CardMemory.ProofSlotCount);

        var type = completed.TransactionType;
        var record = new byte[TransactionRecord.Length];
        new TransactionRecord(completed.Counter, overdraft, completed.Amount, type, completed.Terminal, when).WriteTo(record);

        var proof = new byte[CardMemory.ProofLength];
        proof[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(proof.AsSpan(1), (ushort)(completed.Counter + 1));
        BinaryPrimitives.WriteUInt32BigEndian(proof.AsSpan(3), mac2);
        BinaryPrimitives.WriteUInt32BigEndian(proof.AsSpan(7), tac);

        var entries = new List<JournalEntry>(3 + (completed.CappCache?.Count ?? 0))
        {
            new(0, purse),
            new(CardMemory.HistorySlotOffset(historySlot), record),
            new(memory.ProofSlotOffset(proofSlot), proof),
        };
        foreach (var (recordNumber, data) in completed.CappCache ?? [])
        {
            entries.Add(new JournalEntry(memory.CappRecordOffset(recordNumber), data));
        }

        memory.Commit(entries);
    }

    private uint NextRandom()
    {
        Span<byte> bytes = stackalloc byte[4];
        random.Fill(bytes);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }
}
