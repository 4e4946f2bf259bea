using CityCard.Clearing.Lifecycle;

namespace CityCard.Clearing.Tests.Lifecycle;

/// <summary>The product file: the built-in catalog and clear errors for bad files.</summary>
public sealed class ProductCatalogTests
{
    [Fact]
    public void Default_HasTheSixProductsAndPolicy()
    {
        var catalog = ProductCatalog.Default;

        Assert.Equal(["anonymous", "registered", "student", "elderly", "disabled", "staff"], catalog.Products.Select(p => p.Name));
        Assert.Equal(7, catalog.Policy.WaitingPeriodDays);
        var student = catalog.Get("student");
        Assert.Equal((true, (byte)2, 50, 12), (student.Registered, student.CardTypeCode, student.Concession!.PayPercent, student.VerificationMonths!.Value));
        Assert.False(catalog.Get("anonymous").Registered);
    }

    [Theory]
    [InlineData("{", "malformed JSON")]
    [InlineData("""{"products":[]}""", "'products' must list at least one product")]
    [InlineData("""{"products":[{"name":"x","cardType":"ordinary","colour":"red"}]}""", "colour")]
    [InlineData("""{"products":[{"name":"x","cardType":"gold"}]}""", "products[0] (x): cardType: 'gold'")]
    [InlineData("""{"products":[{"name":"x","cardType":"student","registered":true,"concession":{"payPercent":50}}]}""", "verificationMonths: a concession product needs")]
    [InlineData("""{"products":[{"name":"x","cardType":"student","concession":{"payPercent":50},"verificationMonths":12}]}""", "must be registered")]
    [InlineData("""{"products":[{"name":"x","cardType":"ordinary","depositFen":-1}]}""", "depositFen: -1")]
    [InlineData("""{"products":[{"name":"x","cardType":"ordinary"},{"name":"X","cardType":"ordinary"}]}""", "used twice")]
    [InlineData("""{"policy":{"waitingPeriodDays":-2},"products":[{"name":"x","cardType":"ordinary"}]}""", "policy.waitingPeriodDays: -2")]
    public void Parse_BadFile_NamesTheProblem(string json, string expected)
    {
        var error = Assert.Throws<ClearingInputException>(() => ProductCatalog.Parse(json, "test.json"));

        Assert.Contains("test.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_UnknownProduct_ListsTheKnownOnes()
    {
        var error = Assert.Throws<ClearingInputException>(() => ProductCatalog.Default.Get("platinum"));

        Assert.Contains("anonymous, registered, student", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        var error = Assert.Throws<ClearingInputException>(() => ProductCatalog.Load("/nonexistent/products.json"));

        Assert.Contains("cannot be read", error.Message, StringComparison.Ordinal);
    }
}
