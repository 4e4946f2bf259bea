using CityCard.Security.Ep;

namespace CityCard.Cards.Cos;

/// <summary>What INIT FOR LOAD / PURCHASE / CAPP PURCHASE remembers in RAM for the DEBIT or CREDIT that must follow.</summary>
internal sealed class PurseSession
{
    public PurseSession(PurseSessionKind kind, uint amount, TerminalId terminal, uint random, ushort counter, int balanceBefore, MacKey? loadSessionKey)
    {
        Kind = kind;
        Amount = amount;
        Terminal = terminal;
        Random = random;
        Counter = counter;
        BalanceBefore = balanceBefore;
        LoadSessionKey = loadSessionKey;
    }

    public PurseSessionKind Kind { get; }

    public uint Amount { get; }

    public TerminalId Terminal { get; }

    public uint Random { get; }

    public ushort Counter { get; }

    public int BalanceBefore { get; }

    public MacKey? LoadSessionKey { get; }

    /// <summary>CAPP records cached by UPDATE CAPP DATA CACHE, by record number; written only with the debit (null until the first).</summary>
    public SortedDictionary<int, byte[]>? CappCache { get; private set; }

    public void CacheCappRecord(int recordNumber, byte[] data)
    {
        CappCache ??= [];
        CappCache[recordNumber] = data;
    }

    public byte TransactionType => Kind switch
    {
        PurseSessionKind.Load => Security.Ep.TransactionType.Load,
        PurseSessionKind.Purchase => Security.Ep.TransactionType.Purchase,
        PurseSessionKind.CappPurchase => Security.Ep.TransactionType.CappPurchase,
        _ => throw new InvalidOperationException("unknown session kind"),
    };
}
