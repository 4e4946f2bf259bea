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

    /// <summary>
    /// Checks, before anything is sold, where the sold card will be written: a card file already at <paramref name="path"/>
    /// is another card, with its balance, and is never overwritten — unless the sale is repeated under its
    /// <paramref name="requestId"/> (a retry), when it may be this sale's card (<see cref="WriteSold"/> then leaves it as
    /// it is). Returns the ASN of the card already there, if any. The folder must exist.
    /// </summary>
    public static Asn? CheckNewCardFile(string path, string option, string? requestId)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new UsageException($"{option}: {path} is a folder");
        }

        if (File.Exists(path))
        {
            return requestId is null
                ? throw new UsageException($"{option}: {path} already exists (a card file is never overwritten: name a new file)")
                : CardFiles.LoadCard(path, option).Asn;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is not null && !Directory.Exists(folder) ? throw new UsageException($"{option}: the folder {folder} does not exist") : null;
    }

    /// <summary>
    /// Writes the card the centre sold to <paramref name="path"/>, or leaves the file when it already holds this card (a
    /// repeated sale); says how to personalise the sold card when it cannot. Returns the card as it is in the file.
    /// </summary>
    public static SoftCard WriteSold(IssuerKeySet keySet, SaleAnswer sale, string path, Asn? existing, string option, string requestId)
    {
        ArgumentNullException.ThrowIfNull(sale);
        var sold = Asn.Parse(sale.Asn, "asn");
        if (existing is { } there)
        {
            return there == sold
                ? CardFiles.LoadCard(path, option)
                : throw new CliFailure($"card {sold} is sold at the centre (request {requestId}), but {path} holds card {there}, which is not overwritten: repeat the command with --request-id {requestId} and a new {option} file to personalise it");
        }

        var card = Personalise(keySet, sale);
        try
        {
            CardCommands.Save(card, path);
        }
        catch (CliFailure e)
        {
            throw new CliFailure($"{e.Message}; card {sold} is sold at the centre: repeat the command with --request-id {requestId} to personalise it", e);
        }

        return card;
    }

    public static string Fen(long fen) => fen.ToString("N0", CultureInfo.InvariantCulture) + " fen";
}
