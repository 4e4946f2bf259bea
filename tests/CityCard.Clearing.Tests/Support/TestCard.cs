using CityCard.Records;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Clearing.Tests.Support;

/// <summary>
/// A card that makes genuine records: its keys are the demo key set's, diversified for its ASN, and every TAC is
/// computed with them through the real crypto (TransactionRecord.ComputeTac).
/// </summary>
internal sealed class TestCard
{
    private readonly CardKeys keys;
    private uint ttsn = 100;

    public TestCard(Asn asn, long balanceFen, EpAlgorithm algorithm = EpAlgorithm.Des)
    {
        Asn = asn;
        Balance = balanceFen;
        keys = DemoKeySet.Create(algorithm).DeriveCardKeys(DemoKeySet.HomeCity, asn);
    }

    public Asn Asn { get; }

    public long Balance { get; private set; }

    public ushort Offline { get; set; }

    public ushort Online { get; set; }

    public EpAlgorithm Algorithm => keys.Algorithm;

    public TransactionRecord Purchase(long amountFen, TerminalId terminal, uint merchant, DateTime when, DiscountKind discount = DiscountKind.None, long fullFareFen = 0, uint blacklistVersion = 0)
    {
        var record = Sign(new TransactionRecord
        {
            Kind = RecordKind.Purchase,
            CityCode = DemoKeySet.HomeCity,
            Asn = Asn,
            CardType = 1,
            Counter = Offline++,
            BalanceBeforeFen = Balance,
            AmountFen = amountFen,
            Terminal = terminal,
            Ttsn = ttsn++,
            DateTime = new BcdDateTime(when),
            KeyVersion = DemoKeySet.KeyVersion,
            Algorithm = keys.Algorithm,
            Discount = discount,
            FullFareFen = fullFareFen == 0 ? amountFen : fullFareFen,
            MerchantId = merchant,
            DeviceSequence = ttsn,
            BlacklistVersion = blacklistVersion,
        });
        Balance -= amountFen;
        return record;
    }

    public TransactionRecord Load(long amountFen, TerminalId terminal, uint outlet, DateTime when)
    {
        var record = Sign(new TransactionRecord
        {
            Kind = RecordKind.Load,
            CityCode = DemoKeySet.HomeCity,
            Asn = Asn,
            CardType = 1,
            Counter = Online++,
            BalanceBeforeFen = Balance,
            AmountFen = amountFen,
            Terminal = terminal,
            Ttsn = ttsn++,
            DateTime = new BcdDateTime(when),
            KeyVersion = DemoKeySet.KeyVersion,
            Algorithm = keys.Algorithm,
            MerchantId = outlet,
            DeviceSequence = ttsn,
        });
        Balance += amountFen;
        return record;
    }

    public TransactionRecord Sign(TransactionRecord record) => record with { Tac = record.ComputeTac(keys.TacKey) };
}
