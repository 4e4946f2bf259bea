using System.Buffers.Binary;
using CityCard.Cards.Apdu;
using CityCard.Cards.Cos;
using CityCard.Cards.Psam;
using CityCard.Cards.Transactions;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CsCheck;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Cos;

/// <summary>
/// Random sequences of commands (valid exchanges, wrong MACs, voided sessions, random bytes, truncated APDUs) against a
/// card that an auditor watches after every single APDU.
/// </summary>
public sealed class CardPropertyTests
{
    private const int OperationKinds = 10;

    private static readonly string[] ValidCommands =
    [
        "00A4040009A00000000386980701", "00A40000023F00", "00A40000021001", "805C000204", "00B095001E", "00B201C417", "00B201BC30",
        "0084000004", "0020000003123456", "805001020B01000000010000000100010F", "805003020B01000000010000000100010F",
        "805000020B010000000100000001000110", "805401000F0000000120250315120000CAE4DA9808", "805200000B202401011200001DE69E9004",
        "805A0006020001", "841E00000412345678", "80DC01B830" + new string('0', 96),
    ];

    [Theory]
    [InlineData(EpAlgorithm.Des)]
    [InlineData(EpAlgorithm.Sm4)]
    public void RandomCommandSequences_AuditorInvariantsHoldAfterEveryApdu(EpAlgorithm algorithm)
    {
        var totalCommits = 0;
        var operation = Gen.Select(Gen.Int[0, OperationKinds - 1], Gen.Int[0, int.MaxValue], Gen.Byte.Array[0, 40]);
        operation.Array[1, 60].Sample(
            operations =>
            {
                var card = NewCard(algorithm, overdraft: 1_000, history: 255, random: new Cards.Chip.SeededRandomSource(operations.Length));
                var auditor = new AuditedCard(card, KeysOf(card));
                var psam = NewPsam();
                var world = new World(auditor, psam, new PurchaseExchange(psam), Loader(algorithm));
                foreach (var (kind, number, bytes) in operations)
                {
                    world.Apply(kind, number, bytes);
                }

                Assert.Equal(card.Purse.Balance, auditor.Movement);
                Assert.Equal(card.Purse.Balance, card.History.Sum(record => record.BalanceEffect));
                Assert.Equal(auditor.Commits, card.History.Count);
                Assert.Equal(auditor.Commits, card.Purse.OnlineCounter + card.Purse.OfflineCounter);
                Interlocked.Add(ref totalCommits, auditor.Commits);
            },
            iter: 150);

        // The sequences must really move money, or the invariants above would hold vacuously.
        Assert.True(totalCommits > 500, $"only {totalCommits} committed transactions in all sequences");
    }

    [Fact]
    public void RandomBytes_CardAndPsamInEveryState_AlwaysAnswerAndNeverMoveMoney()
    {
        var states = new[] { string.Empty, "00A4040009A00000000386980701", "805001020B01000000010000000100010F", "805003020B01000000010000000100010F", "805000020B010000000100000001000110", "0084000004" };
        Gen.Select(Gen.Int[0, states.Length - 1], Gen.Byte.Array[0, 300], Gen.Int[0, 2]).Sample((state, bytes, prefix) =>
        {
            var card = FundedCard();
            var psam = NewPsam();
            card.Transmit(CardCommands.SelectApplication());
            if (states[state].Length > 0)
            {
                card.Transmit(H(states[state]));
            }

            psam.Transmit(PsamCommands.SelectPurchaseApplication());
            var command = (byte[])bytes.Clone();
            if (prefix > 0 && command.Length >= 2)
            {
                command[0] = prefix == 1 ? (byte)0x80 : (byte)0x00;
            }

            var before = card.Purse;
            Assert.True(card.Transmit(command).Length >= 2);
            Assert.True(psam.Transmit(command).Length >= 2);
            Assert.Equal(before, card.Purse);
            Assert.Equal(1u, psam.TransactionSerial);
        }, iter: 2_000);
    }

    /// <summary>Runs one generated operation against the audited card.</summary>
    private sealed class World(AuditedCard card, SoftPsam psam, PurchaseExchange purchases, LoadExchange loads)
    {
        public void Apply(int kind, int number, byte[] bytes)
        {
            switch (kind)
            {
                case 0:
                    purchases.Purchase(card, (uint)(number % 3_000), Noon);
                    break;
                case 1:
                    purchases.CappPurchase(card, (uint)(number % 500), Noon, new CappRecordUpdate((byte)((number % 4) + 1), CappData((byte)(number & 0xFF))));
                    break;
                case 2:
                    loads.Load(card, (uint)(number % 5_000));
                    break;
                case 3:
                    card.Transmit(CardCommands.SelectApplication());
                    card.Transmit(number % 2 == 0 ? CardCommands.InitializeForPurchase(7, PosTerminal) : CardCommands.InitializeForCappPurchase(7, PosTerminal));
                    card.Transmit(CardCommands.DebitForPurchase((uint)number, Noon, Word(bytes)));
                    break;
                case 4:
                    card.Transmit(CardCommands.SelectApplication());
                    card.Transmit(CardCommands.InitializeForLoad((uint)(number % 5_000), LoadTerminal));
                    card.Transmit(CardCommands.CreditForLoad(Noon, Word(bytes)));
                    break;
                case 5:
                    card.Transmit(Shape(number, bytes));
                    break;
                case 6:
                    var template = H(ValidCommands[number % ValidCommands.Length]);
                    card.Transmit(template.AsSpan(0, number % template.Length));
                    break;
                case 7:
                    VoidedSession(number, bytes);
                    break;
                case 8:
                    BlockOrUnblock(number);
                    break;
                default:
                    card.Transmit(number % 3 == 0 ? CardCommands.VerifyPin(number % 2 == 0 ? "123456" : "654321") : CardCommands.SelectApplication());
                    break;
            }
        }

        private static uint Word(byte[] bytes) => bytes.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : 0x1234_5678;

        /// <summary>Random bytes, sometimes given a known CLA and INS so they reach the command handlers.</summary>
        private static byte[] Shape(int number, byte[] bytes)
        {
            if (bytes.Length < 2 || number % 3 == 0)
            {
                return bytes;
            }

            var known = H(ValidCommands[number % ValidCommands.Length]);
            var shaped = (byte[])bytes.Clone();
            shaped[0] = known[0];
            shaped[1] = known[1];
            if (number % 3 == 2 && shaped.Length >= 4)
            {
                shaped[2] = known[2];
                shaped[3] = known[3];
            }

            return shaped;
        }

        /// <summary>A valid INIT and MAC1, then some other command, then the DEBIT: the session must be gone.</summary>
        private void VoidedSession(int number, byte[] bytes)
        {
            psam.Transmit(PsamCommands.SelectPurchaseApplication());
            card.Transmit(CardCommands.SelectApplication());
            var init = new ResponseApdu(card.Transmit(CardCommands.InitializeForPurchase(3, PosTerminal)));
            if (!init.IsSuccess || !PurchaseInitResponse.TryParse(init.Data, out var data))
            {
                return;
            }

            var sam = new ResponseApdu(psam.Transmit(PsamCommands.InitializeForPurchase(
                data.Random, data.OfflineCounter, 3, TransactionType.Purchase, Noon, data.KeyVersion, data.AlgorithmId, card.Card.Asn, card.Card.PublicInfo.City.DiversificationFactor())));
            Assert.True(sam.IsSuccess);
            card.Transmit(bytes.Length >= 4 && number % 2 == 0 ? bytes : H("805C000204"));
            var debit = card.Transmit(CardCommands.DebitForPurchase(BinaryPrimitives.ReadUInt32BigEndian(sam.Data), Noon, BinaryPrimitives.ReadUInt32BigEndian(sam.Data[4..])));
            Assert.Equal(StatusWords.ConditionsNotSatisfied, Sw(debit));
        }

        private void BlockOrUnblock(int number)
        {
            card.Transmit(CardCommands.SelectApplication());
            var challenge = card.Transmit(CardCommands.GetChallenge())[..4];
            var block = number % 2 == 0;
            var header = block ? CardCommands.ApplicationBlockHeader : CardCommands.ApplicationUnblockHeader;
            var mac = LineMac.Compute(card.Keys.Maintenance, challenge, header) ^ (number % 3 == 0 ? 1u : 0u);
            var response = card.Transmit(block ? CardCommands.ApplicationBlock(mac) : CardCommands.ApplicationUnblock(mac));
            Assert.Equal(number % 3 == 0 ? StatusWords.MacInvalid : StatusWords.Success, Sw(response));
        }
    }

    /// <summary>
    /// Checks after every APDU: no exception, a status word, balance ≥ −overdraft, counters never decrease, and any purse
    /// change comes from a 9000 DEBIT or CREDIT whose MAC an independent computation accepts, by exactly the amount.
    /// </summary>
    private sealed class AuditedCard(SoftCard card, CardKeys keys) : IApduChannel
    {
        private byte[]? initCommand;
        private byte[]? initResponse;

        public SoftCard Card => card;

        public CardKeys Keys => keys;

        public long Movement { get; private set; }

        public int Commits { get; private set; }

        public byte[] Transmit(ReadOnlySpan<byte> command)
        {
            var before = card.Purse;
            var response = card.Transmit(command);
            var after = card.Purse;
            Assert.True(response.Length >= 2);
            Assert.True(after.Balance >= -after.OverdraftLimit);
            Assert.True(after.OnlineCounter >= before.OnlineCounter && after.OfflineCounter >= before.OfflineCounter);
            if (after != before)
            {
                Assert.Equal(StatusWords.Success, Sw(response));
                AuditCommit(command, before, after);
            }

            Track(command, response);
            return response;
        }

        private void AuditCommit(ReadOnlySpan<byte> command, PurseState before, PurseState after)
        {
            Assert.NotNull(initCommand);
            var init = initCommand!;
            var amount = BinaryPrimitives.ReadUInt32BigEndian(init.AsSpan(6));
            var terminal = TerminalId.Read(init.AsSpan(10));
            Assert.True(command.Length >= 16);
            if (command[0] == 0x80 && command[1] == 0x54)
            {
                Assert.True(init[2] is 0x01 or 0x03);
                var type = init[2] == 0x01 ? TransactionType.Purchase : TransactionType.CappPurchase;
                var random = BinaryPrimitives.ReadUInt32BigEndian(initResponse.AsSpan(11));
                var counter = BinaryPrimitives.ReadUInt16BigEndian(initResponse.AsSpan(4));
                var ttsn = BinaryPrimitives.ReadUInt32BigEndian(command[5..]);
                Assert.True(BcdDateTime.TryRead(command[9..16], out var when));
                var sessionKey = EpMacs.PurchaseSessionKey(keys.Purchase, random, counter, ttsn);
                Assert.Equal(EpMacs.PurchaseMac1(sessionKey, amount, type, terminal, when), BinaryPrimitives.ReadUInt32BigEndian(command[16..]));
                Assert.Equal(before with { Balance = (int)(before.Balance - amount), OfflineCounter = (ushort)(counter + 1) }, after);
            }
            else
            {
                Assert.True(command[0] == 0x80 && command[1] == 0x52 && init[2] == 0x00);
                var random = BinaryPrimitives.ReadUInt32BigEndian(initResponse.AsSpan(8));
                var counter = BinaryPrimitives.ReadUInt16BigEndian(initResponse.AsSpan(4));
                Assert.True(BcdDateTime.TryRead(command[5..12], out var when));
                var sessionKey = EpMacs.LoadSessionKey(keys.Load, random, counter);
                Assert.Equal(EpMacs.LoadMac2(sessionKey, amount, TransactionType.Load, terminal, when), BinaryPrimitives.ReadUInt32BigEndian(command[12..]));
                Assert.Equal(before with { Balance = (int)(before.Balance + amount), OnlineCounter = (ushort)(counter + 1) }, after);
            }

            Movement += (long)after.Balance - before.Balance;
            Commits++;
        }

        private void Track(ReadOnlySpan<byte> command, byte[] response)
        {
            var success = Sw(response) == StatusWords.Success;
            if (success && command.Length >= 16 && command[0] == 0x80 && command[1] == 0x50)
            {
                initCommand = command.ToArray();
                initResponse = response;
            }
            else if (!(success && command.Length >= 2 && command[0] == 0x80 && command[1] == 0xDC))
            {
                initCommand = null;
                initResponse = null;
            }
        }
    }
}
