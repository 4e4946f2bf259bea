using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Cards.Issuance;

/// <summary>
/// Personalises new cards for an issuer: writes EF 0015/0016, the PIN and the purse limits, and the card keys derived
/// from the issuer's master keys in two levels, city then ASN (STANDARDS.md §0). A new card has balance 0; value goes on
/// with a real load transaction (<c>LoadExchange</c>).
/// </summary>
public sealed class CardIssuer
{
    /// <summary>Creates an issuer over a key set.</summary>
    public CardIssuer(IssuerKeySet keySet)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        KeySet = keySet;
    }

    /// <summary>The issuer's master keys.</summary>
    public IssuerKeySet KeySet { get; }

    /// <summary>An issuer over the public demo key set of <paramref name="algorithm"/> (never for real value).</summary>
    public static CardIssuer Demo(EpAlgorithm algorithm = EpAlgorithm.Des) => new(DemoKeySet.Create(algorithm));

    /// <summary>The personalisation a request describes (validated; throws <see cref="ArgumentException"/> naming the bad value).</summary>
    public CardPersonalization Personalize(CardIssueRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AsnNumbering.Problem(request.Asn) is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }

        var city = request.City ?? KeySet.HomeCity;
        var personalization = new CardPersonalization
        {
            PublicInfo = new CardPublicInfo
            {
                IssuerCode = request.IssuerCode ?? city.Value,
                City = city,
                IndustryCode = request.IndustryCode,
                InteroperabilityFlag = request.InteroperabilityFlag,
                Asn = request.Asn,
                ValidFrom = request.ValidFrom,
                ValidUntil = request.ValidUntil,
                CardType = request.CardType,
            },
            Cardholder = request.Cardholder,
            Pin = request.Pin,
            Concession = request.ConcessionValidUntil is { } until ? new ConcessionData { ValidUntil = until, VerifiedOn = request.ValidFrom } : ConcessionData.None,
            OverdraftLimit = request.OverdraftLimit,
            HistoryRecordCount = request.HistoryRecordCount,
            CappRecordCount = request.CappRecordCount,
        };
        personalization.Validate();
        return personalization;
    }

    /// <summary>Issues a card: personalisation plus keys <c>Div(Div(MK, city), ASN)</c> for every role.</summary>
    public SoftCard Issue(CardIssueRequest request, SoftCardOptions? options = null)
    {
        var personalization = Personalize(request);
        var keys = KeySet.DeriveCardKeys(personalization.PublicInfo.City, personalization.PublicInfo.Asn);
        return SoftCard.Create(personalization, keys, options);
    }
}
