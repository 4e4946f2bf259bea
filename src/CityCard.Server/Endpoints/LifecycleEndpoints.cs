using CityCard.Clearing.Lifecycle;
using CityCard.Clearing.Operators;
using CityCard.Clearing.Storage;
using CityCard.Security.Ep;
using CityCard.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CityCard.Server.Endpoints;

/// <summary>
/// The card lifecycle (docs/lifecycle.md): products, sale, loss and found, replacement, refund, adjustments with
/// maker-checker, renewal and product change, loss statements, the operator log; online top-up (gateway-signed payment
/// notifications, pending credits, the healer). Refusals are 409 ProblemDetails naming the problem; malformed bodies 400.
/// </summary>
internal static class LifecycleEndpoints
{
    private const long BodyLimit = 16 * 1024;

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/products", (CardLifecycle lifecycle) => TypedResults.Ok(new { lifecycle.Catalog.Policy, lifecycle.Catalog.Products, lifecycle.Catalog.Source }))
            .WithSummary("The card products and lifecycle policy in force.");
        app.MapPost("/api/lifecycle/sales", SellAsync).WithSummary("Sell a card of a product: the centre allocates the ASN and posts the deposit.").Accepts<LifecycleRequest>("application/json").Needs(OperatorRole.Clerk, devices: true);
        app.MapPost("/api/cards/{asn}/loss", (string asn, HttpRequest request, CardLifecycle l, IOptions<JsonOptions> json, CancellationToken c) =>
            Run(asn, request, json, (card, body, op) => l.ReportLoss(op, card, Holder(body)), c)).WithSummary("Report a registered card lost (identity checked): blacklisted at once.").Accepts<LifecycleRequest>("application/json").Needs(OperatorRole.Clerk, devices: true);
        app.MapPost("/api/cards/{asn}/found", (string asn, HttpRequest request, CardLifecycle l, IOptions<JsonOptions> json, CancellationToken c) =>
            Run(asn, request, json, (card, body, op) => l.Found(op, card, Holder(body)), c)).WithSummary("Withdraw a loss report before replacement.").Accepts<LifecycleRequest>("application/json").Needs(OperatorRole.Clerk, devices: true);
        app.MapPost("/api/cards/{asn}/replacement", (string asn, HttpRequest request, CardLifecycle l, IOptions<JsonOptions> json, CancellationToken c) =>
            Run(asn, request, json, (card, body, op) => l.Replace(op, card, Holder(body), Outlet(body)), c)).WithSummary("Replace a lost card after the waiting period (loss statement, pending credit).").Accepts<LifecycleRequest>("application/json").Needs(OperatorRole.Clerk, devices: true);
        app.MapPost("/api/cards/{asn}/refund", (string asn, HttpRequest request, CardLifecycle l, IOptions<JsonOptions> json, CancellationToken c) =>
            Run(asn, request, json, (card, body, op) => l.Refund(op, card, body.CardBalanceFen, Outlet(body), Identity(body)), c)).WithSummary("Refund and close a card (card present, or lost after the waiting period).").Accepts<LifecycleRequest>("application/json").Needs(OperatorRole.Clerk, devices: true);
        app.MapPost("/api/cards/{asn}/adjustments", (string asn, HttpRequest request, CardLifecycle l, IOptions<JsonOptions> json, CancellationToken c) =>
            Run(asn, request, json, (card, body, op) => l.Adjust(op, card, body.AmountFen ?? throw new ArgumentException("amountFen: required"), body.Reason ?? string.Empty), c)).WithSummary("Credit a manual adjustment (maker-checker above the policy amount; supervisor).").Accepts<LifecycleRequest>("application/json").Needs(OperatorRole.Supervisor);
        app.MapPost("/api/cards/{asn}/renewal", (string asn, HttpRequest request, CardLifecycle l, IOptions<JsonOptions> json, CancellationToken c) =>
            Run(asn, request, json, (card, body, op) => l.Renew(op, card, Holder(body)), c)).WithSummary("Renew a concession after verification.").Accepts<LifecycleRequest>("application/json").Needs(OperatorRole.Clerk, devices: true);
        app.MapPost("/api/cards/{asn}/product", (string asn, HttpRequest request, CardLifecycle l, IOptions<JsonOptions> json, CancellationToken c) =>
            Run(asn, request, json, (card, body, op) => l.ChangeProduct(op, card, body.Product ?? throw new ArgumentException("product: required"), Outlet(body), Identity(body)), c)).WithSummary("Change a card's product.").Accepts<LifecycleRequest>("application/json").Needs(OperatorRole.Clerk, devices: true);
        app.MapGet("/api/cards/{asn}/statement", (string asn, CardLifecycle l, IClearingStore store) => BackOfficeEndpoints.KnownCard(asn, store, out var card) ?? TypedResults.Ok(l.Statement(card)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A lost card's loss statement (provisional until replaced or refunded).").Needs(OperatorRole.Viewer, devices: true);
        app.MapGet("/api/cards/{asn}/credits", (string asn, OnlineTopUps t, IClearingStore store) => BackOfficeEndpoints.KnownCard(asn, store, out var card) ?? TypedResults.Ok(t.Credits(card)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A card's pending credits.").Needs(OperatorRole.Viewer, devices: true);
        app.MapGet("/api/approvals", (CardLifecycle l) => TypedResults.Ok(l.PendingApprovals())).WithSummary("Operations waiting for a second operator.").Needs(OperatorRole.Viewer);
        app.MapPost("/api/approvals/{id:long}/approve", (long id, HttpRequest request, CardLifecycle l, IOptions<JsonOptions> json, CancellationToken c) =>
            Run(null, request, json, (_, _, op) => l.Approve(op, id), c)).WithSummary("Approve a held operation (a different operator; supervisor).").Accepts<LifecycleRequest>("application/json").Needs(OperatorRole.Supervisor);
        app.MapPost("/api/approvals/{id:long}/decline", (long id, HttpRequest request, CardLifecycle l, IOptions<JsonOptions> json, CancellationToken c) =>
            Run(null, request, json, (_, _, op) => l.Decline(op, id), c)).WithSummary("Decline a held operation (a different operator; supervisor).").Accepts<LifecycleRequest>("application/json").Needs(OperatorRole.Supervisor);
        app.MapPost("/api/credits/heal", (HttpRequest request, OnlineTopUps t, IOptions<JsonOptions> json, CancellationToken c) =>
            Run(null, request, json, (_, _, op) => t.Heal(op), c)).WithSummary("Refund unclaimed online payments and expire stale load authorisations; the report (supervisor).").Accepts<LifecycleRequest>("application/json").Needs(OperatorRole.Supervisor);
        app.MapGet("/api/operator-log", OperatorLog).WithSummary("The hash-chained operator log.").Needs(OperatorRole.Viewer);
        app.MapPost("/api/payments/notify", NotifyAsync).WithSummary("Payment notification from the gateway (HMAC-signed; idempotent by payment id).").Accepts<PaymentNotification>("application/json").SignedBy(Signer.Gateway);
    }

    private static async Task<IResult> SellAsync(HttpRequest request, CardLifecycle lifecycle, IOptions<JsonOptions> json, CancellationToken cancellation) =>
        await Run(
            null,
            request,
            json,
            (_, body, op) =>
            {
                var city = body.City is null ? (CityCode?)null : CityCode.Parse(body.City, "city");
                return lifecycle.Sell(op, body.Product ?? throw new ArgumentException("product: required"), Outlet(body), Identity(body), city);
            },
            cancellation);

    private static async Task<IResult> NotifyAsync(HttpRequest request, OnlineTopUps topUps, ServerOptions options, IOptions<JsonOptions> json, CancellationToken cancellation)
    {
        var (body, problem) = await RequestBody.ReadAsync(request, BodyLimit, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        // No secret configured (a production key set without --gateway-secret-file): nothing can be authenticated.
        if (options.PaymentGatewaySecret is not { } secret)
        {
            return TypedResults.Problem(detail: "no payment gateway secret is configured on this centre, so no payment notification can be authenticated (citycard serve --gateway-secret-file)", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Payment notifications not configured");
        }

        if (!GatewaySignature.Verify(secret, body, request.Headers[GatewaySignature.Header].ToString()))
        {
            return TypedResults.Problem(detail: $"the {GatewaySignature.Header} header is not the body's HMAC-SHA256 under the gateway secret", statusCode: StatusCodes.Status401Unauthorized, title: "Notification not authenticated");
        }

        var (notification, invalid) = RequestBody.Json<PaymentNotification>(body!, json.Value.SerializerOptions);
        if (invalid is not null)
        {
            return invalid;
        }

        if (string.IsNullOrWhiteSpace(notification!.PaymentId) || notification.PaymentId.Length > 64)
        {
            return RequestBody.BadRequest("paymentId: required, at most 64 characters");
        }

        if (!BackOfficeEndpoints.TryAsn(notification.Asn ?? string.Empty, out var asn, out var bad))
        {
            return bad!;
        }

        return TypedResults.Ok(await Task.Run(() => topUps.Notify(notification.PaymentId, asn, notification.AmountFen), cancellation));
    }

    private static IResult OperatorLog(IClearingStore store, long? after, int? limit)
    {
        if (limit is < 1 or > 10_000)
        {
            return RequestBody.BadRequest($"limit: {limit} is outside 1..10000");
        }

        return TypedResults.Ok(store.Read(r => r.OperatorLog(after ?? 0, limit ?? 100)));
    }

    private static async Task<IResult> Run<T>(string? asn, HttpRequest request, IOptions<JsonOptions> json, Func<Asn, LifecycleRequest, OperatorRequest, T> work, CancellationToken cancellation)
    {
        var card = default(Asn);
        if (asn is not null && !BackOfficeEndpoints.TryAsn(asn, out card, out var badAsn))
        {
            return badAsn!;
        }

        var (body, problem) = await RequestBody.ReadAsync(request, BodyLimit, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        var (parsed, invalid) = RequestBody.Json<LifecycleRequest>(body!, json.Value.SerializerOptions);
        if (invalid is not null)
        {
            return invalid;
        }

        if (request.Headers.ContainsKey(Authentication.DeviceSignature.DeviceHeader))
        {
            var (outlet, refused) = await OutletDeviceAsync(request, body!, parsed!.OutletId);
            if (refused is not null)
            {
                return refused;
            }

            parsed = parsed! with { OutletId = outlet };
        }

        // An operator acts under the token's name; a signed outlet device under the clerk's name it sends.
        var account = OperatorAuthentication.Current(request.HttpContext);
        if (account is not null && !string.IsNullOrWhiteSpace(parsed!.Operator) && parsed.Operator.Trim() != account.Name)
        {
            return RequestBody.BadRequest($"operator: '{parsed.Operator}' is not the operator of this token ({account.Name}); leave it out");
        }

        OperatorRequest who;
        try
        {
            who = new OperatorRequest(parsed!.RequestId, account?.Name ?? parsed.Operator);
        }
        catch (Clearing.ClearingInputException e)
        {
            return RequestBody.BadRequest(e.Message);
        }

        try
        {
            return TypedResults.Ok(await Task.Run(() => work(card, parsed, who), cancellation));
        }
        catch (ArgumentException e)
        {
            return RequestBody.BadRequest(e);
        }
    }

    // An outlet terminal signs its counter operations like its loads (docs/lifecycle.md): the signature must verify, the
    // device must be an active top-up outlet, and the operation happens at its operator's counter.
    internal static async Task<(uint? Outlet, IResult? Problem)> OutletDeviceAsync(HttpRequest request, byte[] body, uint? outletId)
    {
        var services = request.HttpContext.RequestServices;
        var (device, refused) = await DeviceEndpoints.AuthenticateAsync(request, services.GetRequiredService<IClearingStore>(), services.GetRequiredService<ServerOptions>(), body);
        if (refused is not null)
        {
            return (null, refused);
        }

        if (device!.Kind != Records.DeviceKind.TopUpOutlet || device.Status != Clearing.Registry.DeviceStatus.Active)
        {
            return (null, TypedResults.Problem(detail: $"device {device.DeviceId} is not an active top-up outlet", statusCode: StatusCodes.Status403Forbidden, title: "Not an outlet"));
        }

        return outletId is { } given && given != device.OperatorId
            ? (null, RequestBody.BadRequest($"outletId: {given} is not the operator of device {device.DeviceId} ({device.OperatorId})"))
            : (device.OperatorId, null);
    }

    private static HolderIdentity? Identity(LifecycleRequest body) =>
        body.HolderName is null && body.IdNumber is null ? null : new HolderIdentity(body.HolderName ?? string.Empty, body.IdNumber ?? string.Empty);

    private static HolderIdentity Holder(LifecycleRequest body) =>
        Identity(body) ?? throw new ArgumentException("holderName and idNumber: required (the registered holder's identity is checked)");

    private static uint Outlet(LifecycleRequest body) => body.OutletId ?? throw new ArgumentException("outletId: required (the outlet operator at whose counter it happens)");
}
