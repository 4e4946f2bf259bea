using System.Globalization;
using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Cards.Issuance;
using CityCard.Clearing.Lifecycle;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Cli.Commands;

/// <summary>Personalises the card the centre sold (ASN, type, validity, holder, overdraft from the sale's answer).</summary>
internal static class LifecycleCards
{
    public static SoftCard Personalise(IssuerKeySet keySet, SaleAnswer sale)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        ArgumentNullException.ThrowIfNull(sale);
        var holder = sale.HolderName is null
            ? Cardholder.Anonymous
            : new Cardholder(sale.HolderName, sale.IdNumber ?? string.Empty, CertificateType.IdentityCard, string.Equals(sale.CardType, "staff", StringComparison.Ordinal));
        return new CardIssuer(keySet).Issue(new CardIssueRequest
        {
            Asn = Asn.Parse(sale.Asn, "asn"),
            City = CityCode.Parse(sale.City, "city"),
            CardType = (CardType)sale.CardTypeCode,
            ValidFrom = sale.ValidFrom,
            ValidUntil = sale.ValidUntil,
            Cardholder = holder,
            OverdraftLimit = checked((int)sale.OverdraftLimitFen),
            ConcessionValidUntil = sale.ConcessionValidUntil,
        });
    }

    public static string Fen(long fen) => fen.ToString("N0", CultureInfo.InvariantCulture) + " fen";
}
