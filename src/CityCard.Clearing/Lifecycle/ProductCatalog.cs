using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// The card products and lifecycle policy, read from a JSON file (docs/lifecycle.md) or the built-in
/// <c>presets/products.json</c>. Every problem in a file is reported naming the file and the field; a file with a
/// problem is never partly used.
/// </summary>
public sealed class ProductCatalog
{
    /// <summary>Card-type names and their EF 0015 bytes (docs/card.md).</summary>
    public static readonly IReadOnlyDictionary<string, byte> CardTypes = new Dictionary<string, byte>(StringComparer.Ordinal)
    {
        ["ordinary"] = 0x01,
        ["student"] = 0x02,
        ["elder"] = 0x03,
        ["disabled"] = 0x04,
        ["staff"] = 0x05,
    };

    private const string BuiltInName = "presets/products.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly Dictionary<string, CardProduct> byName;

    private ProductCatalog(LifecyclePolicy policy, IReadOnlyList<CardProduct> products, string source)
    {
        Policy = policy;
        Products = products;
        Source = source;
        byName = products.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The lifecycle rules.</summary>
    public LifecyclePolicy Policy { get; }

    /// <summary>The products, in file order.</summary>
    public IReadOnlyList<CardProduct> Products { get; }

    /// <summary>Where the catalog came from (a path or the built-in name).</summary>
    public string Source { get; }

    /// <summary>The built-in catalog (<c>presets/products.json</c>).</summary>
    public static ProductCatalog Default { get; } = Parse(ReadBuiltIn(), BuiltInName);

    /// <summary>The built-in catalog when <paramref name="path"/> is null, else the file at <paramref name="path"/>.</summary>
    public static ProductCatalog Load(string? path)
    {
        if (path is null)
        {
            return Default;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClearingInputException($"products file {path}: cannot be read ({e.Message})", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and validates a product file's text; <paramref name="source"/> names it in errors.</summary>
    public static ProductCatalog Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        FileShape? file;
        try
        {
            file = JsonSerializer.Deserialize<FileShape>(json, Json);
        }
        catch (JsonException e)
        {
            throw new ClearingInputException($"products file {source}: malformed JSON ({e.Message})", e);
        }

        if (file?.Products is null || file.Products.Count == 0)
        {
            throw new ClearingInputException($"products file {source}: 'products' must list at least one product");
        }

        var policy = ReadPolicy(file.Policy ?? new PolicyShape(), source);
        var products = new List<CardProduct>();
        for (var i = 0; i < file.Products.Count; i++)
        {
            var product = Product(file.Products[i], $"products file {source}: products[{i}]");
            if (products.Any(p => string.Equals(p.Name, product.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ClearingInputException($"products file {source}: products[{i}]: the name '{product.Name}' is used twice");
            }

            products.Add(product);
        }

        return new ProductCatalog(policy, products, source);
    }

    /// <summary>A product by name; the error lists the names there are.</summary>
    public CardProduct Get(string? name) =>
        name is not null && byName.TryGetValue(name, out var product)
            ? product
            : throw new ClearingInputException($"product '{name}' is not one of {string.Join(", ", Products.Select(p => p.Name))} ({Source})");

    /// <summary>True when the catalog has a product of this name.</summary>
    public bool Has(string name) => byName.ContainsKey(name);

    /// <summary>The same products under another lifecycle policy (a simulated city's waiting period, say).</summary>
    public ProductCatalog WithPolicy(LifecyclePolicy policy) => new(policy ?? throw new ArgumentNullException(nameof(policy)), Products, Source);

    private static LifecyclePolicy ReadPolicy(PolicyShape p, string source)
    {
        void Require(bool ok, string problem)
        {
            if (!ok)
            {
                throw new ClearingInputException($"products file {source}: policy.{problem}");
            }
        }

        Require(p.WaitingPeriodDays is >= 0 and <= 365, $"waitingPeriodDays: {p.WaitingPeriodDays} is outside 0..365");
        Require(p.RefundFeeFen is >= 0 and <= 100_000_00, $"refundFeeFen: {p.RefundFeeFen} is outside 0..10000000");
        Require(p.ReplacementFeeFen is >= 0 and <= 100_000_00, $"replacementFeeFen: {p.ReplacementFeeFen} is outside 0..10000000");
        Require(p.ApprovalAboveFen >= 0, $"approvalAboveFen: {p.ApprovalAboveFen} is negative");
        Require(p.PendingCreditDays is >= 1 and <= 3650, $"pendingCreditDays: {p.PendingCreditDays} is outside 1..3650");
        Require(p.LoadAuthorisationMinutes is >= 1 and <= 10_080, $"loadAuthorisationMinutes: {p.LoadAuthorisationMinutes} is outside 1..10080");
        return new LifecyclePolicy
        {
            WaitingPeriodDays = p.WaitingPeriodDays,
            RefundFeeFen = p.RefundFeeFen,
            ReplacementFeeFen = p.ReplacementFeeFen,
            ApprovalAboveFen = p.ApprovalAboveFen,
            PendingCreditDays = p.PendingCreditDays,
            LoadAuthorisationMinutes = p.LoadAuthorisationMinutes,
        };
    }

    private static CardProduct Product(ProductShape? p, string at)
    {
        void Require(bool ok, string problem)
        {
            if (!ok)
            {
                throw new ClearingInputException($"{at}: {problem}");
            }
        }

        Require(p is not null, "must be an object");
        Require(!string.IsNullOrWhiteSpace(p!.Name) && p.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'), $"name: '{p.Name}' must be letters, digits and '-'");
        at = $"{at} ({p.Name})";
        Require(p.CardType is not null && CardTypes.ContainsKey(p.CardType), $"cardType: '{p.CardType}' is not one of {string.Join(", ", CardTypes.Keys)}");
        Require(p.DepositFen is >= 0 and <= 100_000_00, $"depositFen: {p.DepositFen} is outside 0..10000000");
        Require(p.ValidityYears is >= 1 and <= 50, $"validityYears: {p.ValidityYears} is outside 1..50");
        Require(p.OverdraftLimitFen is >= 0 and <= 100_000, $"overdraftLimitFen: {p.OverdraftLimitFen} is outside 0..100000");
        if (p.Concession is { } c)
        {
            Require(c.PayPercent is >= 0 and < 100, $"concession.payPercent: {c.PayPercent} is outside 0..99 (100 is no concession: leave the concession out)");
            Require(p.VerificationMonths is >= 1 and <= 120, $"verificationMonths: a concession product needs the months between verifications (1..120), got {p.VerificationMonths?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
            Require(p.Registered, "registered: a concession product must be registered (the entitlement belongs to a person)");
            Require(!string.Equals(p.CardType, "ordinary", StringComparison.Ordinal), "cardType: a concession product needs a concession card type, not ordinary");
        }
        else
        {
            Require(p.VerificationMonths is null, "verificationMonths: only a concession product is verified");
        }

        return new CardProduct
        {
            Name = p.Name!,
            CardType = p.CardType!,
            CardTypeCode = CardTypes[p.CardType!],
            Registered = p.Registered,
            DepositFen = p.DepositFen,
            ValidityYears = p.ValidityYears,
            OverdraftLimitFen = p.OverdraftLimitFen,
            Concession = p.Concession is { } rule ? new ProductConcession(rule.PayPercent, rule.OffPeakOnly) : null,
            VerificationMonths = p.VerificationMonths,
        };
    }

    private static string ReadBuiltIn()
    {
        using var stream = typeof(ProductCatalog).Assembly.GetManifestResourceStream(BuiltInName)
            ?? throw new InvalidOperationException($"the built-in {BuiltInName} is not embedded in the clearing assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed record FileShape
    {
        public PolicyShape? Policy { get; init; }

        public List<ProductShape?>? Products { get; init; }
    }

    private sealed record PolicyShape
    {
        public int WaitingPeriodDays { get; init; } = 7;

        public long RefundFeeFen { get; init; } = 500;

        public long ReplacementFeeFen { get; init; } = 1_000;

        public long ApprovalAboveFen { get; init; } = 50_000;

        public int PendingCreditDays { get; init; } = 30;

        public int LoadAuthorisationMinutes { get; init; } = 30;
    }

    private sealed record ProductShape
    {
        public string? Name { get; init; }

        public string? CardType { get; init; }

        public bool Registered { get; init; }

        public long DepositFen { get; init; }

        public int ValidityYears { get; init; } = 10;

        public long OverdraftLimitFen { get; init; }

        public ConcessionShape? Concession { get; init; }

        public int? VerificationMonths { get; init; }
    }

    private sealed record ConcessionShape
    {
        public int PayPercent { get; init; } = 100;

        public bool OffPeakOnly { get; init; }
    }
}
