using CityCard.Clearing.Operators;
using CityCard.Clearing.Storage;
using CityCard.Server.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CityCard.Server.Authentication;

/// <summary>
/// Endpoint metadata: the back-office role an endpoint needs, and whether a signed device request (an outlet terminal's
/// counter work) may call it instead of an operator.
/// </summary>
/// <param name="Role">The least role that may call it.</param>
/// <param name="Devices">Whether a request signed by an active top-up outlet device (<see cref="DeviceSignature"/>) is accepted instead.</param>
public sealed record OperatorAccess(OperatorRole Role, bool Devices = false);

/// <summary>
/// Back-office authentication. Every endpoint marked with <see cref="OperatorAccess"/> needs
/// <c>Authorization: Bearer cco_…</c> with the token of an operator whose role is high enough (401 without a valid token,
/// 403 with too low a role), or, where the mark allows it, a request signed by an active top-up outlet (checked here for
/// every method; the endpoint then checks that the outlet works at its own operator's counter). Endpoints without the mark authenticate
/// themselves (batch upload by file MAC, loads and parameter downloads by device signature, payment notifications by the
/// gateway's HMAC) or are public (the API documentation, the product catalogue).
/// </summary>
public static class OperatorAuthentication
{
    private const string ItemKey = "citycard.operator";

    // Signed device requests are small JSON bodies; the signature covers the whole body, so it is read here first.
    private const long DeviceBodyLimit = 64 * 1024;

    /// <summary>Marks an endpoint as needing <paramref name="role"/> (or, with <paramref name="devices"/>, a signed device request).</summary>
    public static RouteHandlerBuilder Needs(this RouteHandlerBuilder endpoint, OperatorRole role, bool devices = false) =>
        endpoint.WithMetadata(new OperatorAccess(role, devices));

    /// <summary>The operator who made the request (null for a device request or an unmarked endpoint).</summary>
    public static OperatorAccount? Current(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ItemKey, out var found) ? found as OperatorAccount : null;
    }

    /// <summary>The middleware (after routing, before the endpoints).</summary>
    public static async Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var access = context.GetEndpoint()?.Metadata.GetMetadata<OperatorAccess>();
        if (access is null)
        {
            await next(context);
            return;
        }

        var request = context.Request;
        if (access.Devices && request.Headers.ContainsKey(DeviceSignature.DeviceHeader))
        {
            request.EnableBuffering();
            var (body, tooLarge) = await RequestBody.ReadAsync(request, DeviceBodyLimit, context.RequestAborted);
            if (tooLarge is not null)
            {
                await tooLarge.ExecuteAsync(context);
                return;
            }

            request.Body.Position = 0;
            var services = context.RequestServices;
            var (device, refused) = await DeviceEndpoints.AuthenticateAsync(request, services.GetRequiredService<IClearingStore>(), services.GetRequiredService<ServerOptions>(), body!);
            if (refused is not null)
            {
                await refused.ExecuteAsync(context);
                return;
            }

            // Counter work is an outlet's: no other kind of device may do it or read what it reads.
            if (device!.Kind != Records.DeviceKind.TopUpOutlet || device.Status != Clearing.Registry.DeviceStatus.Active)
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "Not an outlet", $"device {device.DeviceId} is not an active top-up outlet");
                return;
            }

            await next(context);
            return;
        }

        var header = request.Headers.Authorization.ToString();
        // The scheme name is case-insensitive (RFC 9110).
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Refuse(context, StatusCodes.Status401Unauthorized, "Operator not authenticated", $"this endpoint needs an operator's token (Authorization: Bearer cco_…; see citycard centre operator add){(access.Devices ? " or a signed outlet device request" : string.Empty)}");
            return;
        }

        var directory = context.RequestServices.GetRequiredService<OperatorDirectory>();
        var account = await Task.Run(() => directory.Authenticate(header["Bearer ".Length..].Trim()));
        if (account is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await Refuse(context, StatusCodes.Status401Unauthorized, "Operator not authenticated", "the operator token is unknown or revoked");
            return;
        }

        if (!account.May(access.Role))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "Not allowed", $"operator {account.Name} is a {OperatorDirectory.Name(account.Role)}; this needs a {OperatorDirectory.Name(access.Role)}");
            return;
        }

        context.Items[ItemKey] = account;
        await next(context);
    }

    private static Task Refuse(HttpContext context, int status, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title).ExecuteAsync(context);
}
