using CityCard.Cards.Issuance;
using CityCard.Clearing.Ledger;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// The card lifecycle at the centre (docs/lifecycle.md): sale of a product with deposit (the centre allocates the ASN),
/// loss report with identity check, un-report, replacement after the waiting period with a loss statement, refund,
/// manual adjustment, concession renewal and product change. Every operation runs in one write transaction, is
/// idempotent by its request id, appends to the hash-chained operator log, and posts balanced ledger transactions.
/// Refusals raise <see cref="ClearingInputException"/> and change nothing.
/// </summary>
public sealed partial class CardLifecycle
{
    private const int MaxSerialAttempts = 1_000;

    private readonly IClearingStore store;
    private readonly TimeProvider clock;

    /// <summary>Creates the lifecycle over a store with a product catalog.</summary>
    public CardLifecycle(IClearingStore store, ProductCatalog catalog, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(clock);
        this.store = store;
        this.clock = clock;
        Catalog = catalog;
    }

    /// <summary>The products and policy in force.</summary>
    public ProductCatalog Catalog { get; }

    private LifecyclePolicy Policy => Catalog.Policy;

    /// <summary>
    /// Sells a card of a product at an outlet: allocates the next ASN of the city (with its check digit), registers the
    /// card with balance 0 and the product's deposit taken in cash (outlet cash against card deposits).
    /// </summary>
    public SaleAnswer Sell(OperatorRequest request, string productName, uint outletId, HolderIdentity? holder, CityCode? city = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var product = Catalog.Get(productName);
        var cardCity = city ?? Security.Keys.DemoKeySet.HomeCity;
        CheckHolder(product, holder);
        return Once(request, "sale", Fingerprint(product.Name, outletId, holder?.Name, holder?.IdNumber, cardCity), (w, now) =>
        {
            RequireOutlet(w, outletId);
            var asn = AllocateAsn(w, cardCity);
            var (card, profile, answer) = NewCard(asn, cardCity, product, holder, product.DepositFen, outletId, now);
            var ledger = new LedgerTransaction(LedgerTransactionKind.CardSale, Day(w, now), $"card sale {asn} ({product.Name})",
            [
                new Posting(Account.OutletCash(outletId), product.DepositFen),
                new Posting(Account.Of(AccountKind.CardDeposits), -product.DepositFen),
                new Posting(Account.CardFloat(asn), 0),
            ]);
            if (!w.AddCard(card, ledger))
            {
                throw new ClearingInputException($"card {asn} is already registered");
            }

            w.SaveProfile(profile);
            Log(w, request, "card-sale", asn, now, "{}", Snapshot(w, asn));
            return answer;
        });
    }

    /// <summary>Reports a registered card lost after checking the holder's identity: blacklisted at once under a new version.</summary>
    public LossAnswer ReportLoss(OperatorRequest request, Asn asn, HolderIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(identity);
        return Once(request, "loss", Fingerprint(asn, identity.Name, identity.IdNumber), (w, now) =>
        {
            var (card, profile) = Registered(w, asn, identity);
            if (profile.LostUtc is { } lost)
            {
                throw new ClearingInputException($"card {asn} was already reported lost at {lost:yyyy-MM-dd HH:mm:ss}Z");
            }

            if (card.Status != CardStatus.Active || card.BlacklistedVersion is not null)
            {
                throw new ClearingInputException($"card {asn} is {card.Status}{(card.BlacklistedVersion is null ? string.Empty : ", already blacklisted")}: it cannot be reported lost");
            }

            var before = Snapshot(w, asn);
            w.SetCardStatus(asn, CardStatus.Lost);
            var version = w.AddBlacklistEntry(asn, BlacklistAction.Add, $"reported lost by its holder (request {request.RequestId})", now);
            w.SaveProfile(profile with { LostUtc = now, LostBalanceFen = card.ShadowBalanceFen });
            Log(w, request, "loss-report", asn, now, before, Snapshot(w, asn));
            return new LossAnswer(asn.ToString(), version, now, card.ShadowBalanceFen, now + Policy.WaitingPeriod);
        });
    }

    /// <summary>Un-reports a lost card found before it was replaced or refunded: taken off the blacklist under a new version.</summary>
    public FoundAnswer Found(OperatorRequest request, Asn asn, HolderIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(identity);
        return Once(request, "found", Fingerprint(asn, identity.Name, identity.IdNumber), (w, now) =>
        {
            var (card, profile) = Registered(w, asn, identity);
            if (profile.LostUtc is null || card.Status != CardStatus.Lost)
            {
                throw new ClearingInputException($"card {asn} is not reported lost ({card.Status})");
            }

            var before = Snapshot(w, asn);
            w.SetCardStatus(asn, CardStatus.Active);
            var version = w.AddBlacklistEntry(asn, BlacklistAction.Remove, $"found by its holder (request {request.RequestId})", now);
            w.SaveProfile(profile with { LostUtc = null, LostBalanceFen = null });
            Log(w, request, "loss-withdrawn", asn, now, before, Snapshot(w, asn));
            return new FoundAnswer(asn.ToString(), version);
        });
    }

    /// <summary>Renews a concession after the holder's entitlement was verified at an outlet: valid for the product's months from today.</summary>
    public RenewalAnswer Renew(OperatorRequest request, Asn asn, HolderIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(identity);
        return Once(request, "renew", Fingerprint(asn, identity.Name, identity.IdNumber), (w, now) =>
        {
            var (card, profile) = Registered(w, asn, identity);
            RequireOpen(card, profile);
            var product = Catalog.Get(profile.Product);
            if (product.VerificationMonths is not { } months)
            {
                throw new ClearingInputException($"card {asn} is a {product.Name} card: it has no concession to renew");
            }

            var before = Snapshot(w, asn);
            var until = ChinaDay(now).AddMonths(months);
            w.SaveProfile(profile with { ConcessionValidUntil = until });
            Log(w, request, "concession-renewal", asn, now, before, Snapshot(w, asn));
            return new RenewalAnswer(asn.ToString(), product.Name, until);
        });
    }

    /// <summary>
    /// Changes a card's product (student → registered on graduation…): the card type the outlet writes to the card, the
    /// deposit difference taken or returned in cash, the concession's verification date. A change to a registered
    /// product needs the holder's identity (checked against the registered holder, or registered now for an anonymous card).
    /// </summary>
    public ProductChangeAnswer ChangeProduct(OperatorRequest request, Asn asn, string productName, uint outletId, HolderIdentity? identity)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = Catalog.Get(productName);
        return Once(request, "change", Fingerprint(asn, target.Name, outletId, identity?.Name, identity?.IdNumber), (w, now) =>
        {
            RequireOutlet(w, outletId);
            var card = w.FindCard(asn) ?? throw new ClearingInputException($"card {asn} is not registered");
            var profile = w.FindProfile(asn) ?? throw new ClearingInputException($"card {asn} has no product (registered before products existed)");
            RequireOpen(card, profile);
            if (string.Equals(profile.Product, target.Name, StringComparison.OrdinalIgnoreCase))
            {
                throw new ClearingInputException($"card {asn} is already a {target.Name} card");
            }

            var holderName = profile.HolderName;
            var idNumber = profile.IdNumber;
            if (profile.HolderName is not null)
            {
                if (identity is null || !identity.Matches(profile))
                {
                    throw new ClearingInputException($"card {asn}: the name and ID number do not match the registered holder");
                }
            }
            else if (target.Registered)
            {
                CheckHolder(target, identity);
                (holderName, idNumber) = (identity!.Name.Trim(), identity.IdNumber.Trim());
            }

            var before = Snapshot(w, asn);
            var difference = checked(target.DepositFen - card.DepositFen);
            w.AppendLedger(new LedgerTransaction(LedgerTransactionKind.ProductChange, Day(w, now), $"product change {asn} {profile.Product} -> {target.Name}",
            [
                new Posting(Account.OutletCash(outletId), difference),
                new Posting(Account.Of(AccountKind.CardDeposits), -difference),
            ]));
            w.SetCardProduct(asn, target.CardTypeCode, target.DepositFen);
            DateOnly? concession = target.VerificationMonths is { } months ? ChinaDay(now).AddMonths(months) : null;
            w.SaveProfile(profile with { Product = target.Name, HolderName = holderName, IdNumber = idNumber, ConcessionValidUntil = concession });
            Log(w, request, "product-change", asn, now, before, Snapshot(w, asn));
            return new ProductChangeAnswer(asn.ToString(), profile.Product, target.Name, target.CardType, target.CardTypeCode, difference, concession);
        });
    }

    /// <summary>The card's profile, or null.</summary>
    public CardProfile? Profile(Asn asn) => store.Read(r => r.FindProfile(asn));

    /// <summary>True when the card's concession applies on <paramref name="day"/> (a concession card not verified in time is charged as ordinary).</summary>
    public static bool ConcessionApplies(CardProfile profile, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return profile.ConcessionValidUntil is { } until && day <= until;
    }

    private static void CheckHolder(CardProduct product, HolderIdentity? holder)
    {
        if (!product.Registered)
        {
            if (holder is not null && (!string.IsNullOrWhiteSpace(holder.Name) || !string.IsNullOrWhiteSpace(holder.IdNumber)))
            {
                throw new ClearingInputException($"product {product.Name} is anonymous: give no holder name or ID number");
            }

            return;
        }

        if (holder is null || string.IsNullOrWhiteSpace(holder.Name) || string.IsNullOrWhiteSpace(holder.IdNumber))
        {
            throw new ClearingInputException($"product {product.Name} is registered: the holder's name and ID number are required");
        }

        if (holder.Name.Trim().Length > 40 || holder.IdNumber.Trim().Length > 32 || !holder.IdNumber.Trim().All(c => c is >= '!' and <= '~'))
        {
            throw new ClearingInputException("holder: the name is at most 40 characters and the ID number at most 32 printable ASCII characters");
        }
    }

    private static void RequireOutlet(IClearingWriter w, uint outletId)
    {
        if (w.FindMerchant(outletId) is null)
        {
            throw new ClearingInputException($"outlet operator {outletId} is not registered");
        }
    }

    private static void RequireOpen(CardAccount card, CardProfile profile)
    {
        if (profile.ClosedAs is { } closed)
        {
            throw new ClearingInputException($"card {card.Asn} is closed ({closed} at {profile.ClosedUtc:yyyy-MM-dd HH:mm:ss}Z)");
        }

        if (card.Status != CardStatus.Active)
        {
            throw new ClearingInputException($"card {card.Asn} is {card.Status}");
        }
    }

    private static (CardAccount Card, CardProfile Profile) Registered(IClearingWriter w, Asn asn, HolderIdentity identity)
    {
        var card = w.FindCard(asn) ?? throw new ClearingInputException($"card {asn} is not registered");
        var profile = w.FindProfile(asn);
        if (profile?.HolderName is null)
        {
            throw new ClearingInputException($"card {asn} is not a registered card (no holder): its value cannot be claimed by identity");
        }

        if (!identity.Matches(profile))
        {
            throw new ClearingInputException($"card {asn}: the name and ID number do not match the registered holder");
        }

        if (profile.ClosedAs is { } closed)
        {
            throw new ClearingInputException($"card {asn} is closed ({closed} at {profile.ClosedUtc:yyyy-MM-dd HH:mm:ss}Z)");
        }

        return (card, profile);
    }

    private static Asn AllocateAsn(IClearingWriter w, CityCode city)
    {
        for (var attempt = 0; attempt < MaxSerialAttempts; attempt++)
        {
            var serial = w.NextCardSerial(city);
            Asn asn;
            try
            {
                asn = AsnNumbering.Create(city, serial);
            }
            catch (ArgumentException e)
            {
                throw new ClearingInputException($"card numbers: {e.Message}", e);
            }

            if (w.FindCard(asn) is null)
            {
                return asn;
            }
        }

        throw new ClearingInputException($"card numbers: {MaxSerialAttempts} serials in a row of city {city} are taken by cards registered by hand");
    }

    private static (CardAccount Card, CardProfile Profile, SaleAnswer Answer) NewCard(Asn asn, CityCode city, CardProduct product, HolderIdentity? holder, long depositFen, uint outletId, DateTimeOffset now)
    {
        var today = ChinaDay(now);
        var until = today.AddYears(product.ValidityYears).AddDays(-1);
        DateOnly? concession = product.VerificationMonths is { } months ? today.AddMonths(months) : null;
        var card = CardAccount.Register(asn, city, product.CardTypeCode, depositFen, 0, 0, 0, now);
        var profile = new CardProfile
        {
            Asn = asn,
            Product = product.Name,
            HolderName = product.Registered ? holder!.Name.Trim() : null,
            IdNumber = product.Registered ? holder!.IdNumber.Trim() : null,
            ValidUntil = until,
            ConcessionValidUntil = concession,
        };
        var answer = new SaleAnswer(asn.ToString(), city.ToString(), product.Name, product.CardType, product.CardTypeCode, depositFen, product.OverdraftLimitFen, today, until, concession, profile.HolderName, profile.IdNumber, outletId);
        return (card, profile, answer);
    }

    private static DateOnly ChinaDay(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime + BusinessCalendar.ChinaOffset);

    private static DateOnly Day(IClearingReader r, DateTimeOffset now) => Settings.Calendar(r).DayOf(now);
}
