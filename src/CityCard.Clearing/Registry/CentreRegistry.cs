using CityCard.Clearing.Ledger;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;
using CityCard.Records;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Registry;

/// <summary>
/// Registers devices, merchants and cards and keeps the blacklist. Every change is checked first and raises
/// <see cref="ClearingInputException"/> naming the problem, changing nothing.
/// </summary>
public sealed class CentreRegistry
{
    private readonly IClearingStore store;
    private readonly TimeProvider clock;

    /// <summary>Creates the registry over a store.</summary>
    public CentreRegistry(IClearingStore store, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        this.store = store;
        this.clock = clock;
    }

    /// <summary>Registers a merchant or operator.</summary>
    public Merchant AddMerchant(uint merchantId, string name, string category, int commissionBps)
    {
        if (merchantId == 0)
        {
            throw new ClearingInputException("merchant: id 0 is reserved");
        }

        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(category))
        {
            throw new ClearingInputException("merchant: name and category must not be empty");
        }

        if (commissionBps is < 0 or > Merchant.MaxCommissionBps)
        {
            throw new ClearingInputException($"merchant: commission {commissionBps} bps is outside 0..{Merchant.MaxCommissionBps}");
        }

        var merchant = new Merchant { MerchantId = merchantId, Name = name.Trim(), Category = category.Trim().ToLowerInvariant(), CommissionBps = commissionBps, RegisteredUtc = Clock.Now(clock) };
        return store.Write(w => w.AddMerchant(merchant) ? merchant : throw new ClearingInputException($"merchant {merchantId} is already registered"));
    }

    /// <summary>Registers a device of an operator; a PSAM terminal number may belong to one device only.</summary>
    public Device AddDevice(uint deviceId, DeviceKind kind, uint operatorId, TerminalId psamTerminal)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ClearingInputException($"device: kind {kind} is not defined");
        }

        var device = new Device { DeviceId = deviceId, Kind = kind, OperatorId = operatorId, PsamTerminal = psamTerminal, RegisteredUtc = Clock.Now(clock) };
        return store.Write(w =>
        {
            if (w.FindMerchant(operatorId) is null)
            {
                throw new ClearingInputException($"device {deviceId}: operator {operatorId} is not registered (add it as a merchant first)");
            }

            if (psamTerminal.Value != 0 && w.FindDeviceByTerminal(psamTerminal) is { } other)
            {
                throw new ClearingInputException($"device {deviceId}: PSAM terminal {psamTerminal} already belongs to device {other.DeviceId}");
            }

            return w.AddDevice(device) ? device : throw new ClearingInputException($"device {deviceId} is already registered");
        });
    }

    /// <summary>Revokes a device: its uploads are refused from now on.</summary>
    public void RevokeDevice(uint deviceId) =>
        store.Write(w => w.SetDeviceStatus(deviceId, DeviceStatus.Revoked) ? 0 : throw new ClearingInputException($"device {deviceId} is not registered"));

    /// <summary>
    /// Registers a card sold at an outlet: the deposit and opening balance are cash the outlet took
    /// (outlet cash against card deposits and the card's float).
    /// </summary>
    public CardAccount SellCard(Asn asn, CityCode city, byte cardType, long depositFen, long balanceFen, int offlineCounter, int onlineCounter, uint outletOperatorId) =>
        SellCards([new CardSale(asn, city, cardType, depositFen, balanceFen, offlineCounter, onlineCounter, outletOperatorId)])[0];

    /// <summary>The largest deposit a card sale may take, fen (100,000 yuan; the product catalogue's limit too).</summary>
    public const long MaxDepositFen = 100_000_00;

    /// <summary>
    /// What is wrong with a sale's own figures, naming the field, or null when they are possible: the balance must fit
    /// the card's purse (0..<see cref="EpPurse.MaxBalanceFen"/>), the deposit 0..<see cref="MaxDepositFen"/>, the
    /// counters 0..65535. Checked before anything is stored, so an impossible balance never reaches the ledger (where
    /// summing it with others would overflow).
    /// </summary>
    public static string? SaleProblem(CardSale sale)
    {
        ArgumentNullException.ThrowIfNull(sale);
        if (sale.BalanceFen is < 0 or > EpPurse.MaxBalanceFen)
        {
            return $"balanceFen: {sale.BalanceFen} is outside 0..{EpPurse.MaxBalanceFen} (the card's purse holds at most {EpPurse.MaxBalanceFen} fen)";
        }

        if (sale.DepositFen is < 0 or > MaxDepositFen)
        {
            return $"depositFen: {sale.DepositFen} is outside 0..{MaxDepositFen}";
        }

        if (sale.OfflineCounter is < 0 or > ushort.MaxValue)
        {
            return $"offlineCounter: {sale.OfflineCounter} is outside 0..{ushort.MaxValue}";
        }

        return sale.OnlineCounter is < 0 or > ushort.MaxValue ? $"onlineCounter: {sale.OnlineCounter} is outside 0..{ushort.MaxValue}" : null;
    }

    /// <summary>Registers many sold cards in one database transaction (a migration or a day's sales): all or none.</summary>
    public IReadOnlyList<CardAccount> SellCards(IReadOnlyList<CardSale> sales)
    {
        ArgumentNullException.ThrowIfNull(sales);
        foreach (var sale in sales)
        {
            if (SaleProblem(sale) is { } problem)
            {
                throw new ClearingInputException($"card {sale.Asn}: {problem}");
            }
        }

        var now = Clock.Now(clock);
        return store.Write(w =>
        {
            var day = Settings.Calendar(w).DayOf(now);
            var accounts = new List<CardAccount>(sales.Count);
            var ledgers = new List<LedgerTransaction>(sales.Count);
            var outlets = new Dictionary<uint, bool>();
            var taken = w.LoadCards(sales.Select(s => s.Asn).ToHashSet());
            var asns = new HashSet<Asn>();
            foreach (var s in sales)
            {
                if (!outlets.TryGetValue(s.OutletOperatorId, out var registered))
                {
                    outlets[s.OutletOperatorId] = registered = w.FindMerchant(s.OutletOperatorId) is not null;
                }

                if (!registered)
                {
                    throw new ClearingInputException($"card {s.Asn}: outlet operator {s.OutletOperatorId} is not registered");
                }

                if (taken.ContainsKey(s.Asn) || !asns.Add(s.Asn))
                {
                    throw new ClearingInputException($"card {s.Asn} is already registered");
                }

                var card = CardAccount.Register(s.Asn, s.City, s.CardType, s.DepositFen, s.BalanceFen, s.OfflineCounter, s.OnlineCounter, now);
                var ledger = new LedgerTransaction(
                    LedgerTransactionKind.CardSale,
                    day,
                    $"card sale {s.Asn}",
                    [
                        new Posting(Account.OutletCash(s.OutletOperatorId), checked(s.DepositFen + s.BalanceFen)),
                        new Posting(Account.Of(AccountKind.CardDeposits), -s.DepositFen),
                        new Posting(Account.CardFloat(s.Asn), -s.BalanceFen),
                    ]);
                accounts.Add(card);
                ledgers.Add(ledger);
            }

            w.AddCards(accounts, ledgers);
            return accounts;
        });
    }

    /// <summary>Reports a card lost: it goes on the blacklist (next version) and its status becomes lost.</summary>
    public uint ReportLost(Asn asn, string reason) => store.Write(w =>
    {
        var card = w.FindCard(asn) ?? throw new ClearingInputException($"card {asn} is not registered");
        if (card.BlacklistedVersion is not null)
        {
            throw new ClearingInputException($"card {asn} is already on the blacklist (version {card.BlacklistedVersion})");
        }

        w.SetCardStatus(asn, card.Status == CardStatus.Cancelled ? CardStatus.Cancelled : CardStatus.Lost);
        return w.AddBlacklistEntry(asn, BlacklistAction.Add, reason, Clock.Now(clock));
    });

    /// <summary>Takes a card off the blacklist (found again); returns the new blacklist version.</summary>
    public uint Unblock(Asn asn, string reason) => store.Write(w =>
    {
        var card = w.FindCard(asn) ?? throw new ClearingInputException($"card {asn} is not registered");
        if (card.BlacklistedVersion is null)
        {
            throw new ClearingInputException($"card {asn} is not on the blacklist");
        }

        // A closed card stays listed for good (terminals would take it again while the centre rejects its records), and a
        // holder's loss report is withdrawn only through the lifecycle, which checks the holder and clears the report.
        if (card.Status == CardStatus.Cancelled)
        {
            throw new ClearingInputException($"card {asn} is cancelled: it stays on the blacklist for good");
        }

        if (w.FindProfile(asn) is { LostUtc: { } lost })
        {
            throw new ClearingInputException($"card {asn} was reported lost by its holder at {lost:yyyy-MM-dd HH:mm:ss}Z: withdraw the report with 'citycard cards found' (name and ID number checked)");
        }

        if (card.Status == CardStatus.Lost)
        {
            w.SetCardStatus(asn, CardStatus.Active);
        }

        return w.AddBlacklistEntry(asn, BlacklistAction.Remove, reason, Clock.Now(clock));
    });

    /// <summary>
    /// Cancels a card: every later record of it is rejected. A card sold as a product is closed through its lifecycle
    /// instead (refund, or replacement of a lost card), which pays its deposit and balance out and blacklists it.
    /// </summary>
    public void Cancel(Asn asn) => store.Write(w =>
    {
        if (w.FindProfile(asn) is { } profile)
        {
            throw new ClearingInputException(profile.ClosedAs is { } closed
                ? $"card {asn} is already closed ({closed})"
                : $"card {asn} was sold as a {profile.Product} card: close it with 'citycard cards refund' (or replace it when lost), which pays out its deposit and balance and blacklists it");
        }

        return w.SetCardStatus(asn, CardStatus.Cancelled) ? 0 : throw new ClearingInputException($"card {asn} is not registered");
    });
}
