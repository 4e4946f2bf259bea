using System.Globalization;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Storage;
using CityCard.Records.Batches;
using CityCard.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CityCard.Server.Endpoints;

/// <summary>
/// Device endpoints, each request signed with the device's upload key (<see cref="DeviceSignature"/>): unknown devices
/// get 401, revoked ones 403. <c>GET /api/devices/blacklist?after=V</c> gives the blacklist changes above version V
/// (all of them for V = 0) and records the version the device now has.
/// </summary>
internal static class DeviceEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/devices/blacklist", BlacklistAsync)
            .WithName("DownloadBlacklist")
            .WithSummary("Blacklist changes above a version (full list for 0, else the delta), signed request.");
    }

    internal static async Task<(Device? Device, IResult? Problem)> AuthenticateAsync(HttpRequest request, IClearingStore store, ServerOptions options, byte[] body)
    {
        static IResult Unauthorized(string detail) => TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Device not authenticated");
        if (!uint.TryParse(request.Headers[DeviceSignature.DeviceHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var deviceId))
        {
            return (null, Unauthorized($"the {DeviceSignature.DeviceHeader} header must be the device id"));
        }

        if (!long.TryParse(request.Headers[DeviceSignature.TimeHeader], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            return (null, Unauthorized($"the {DeviceSignature.TimeHeader} header must be Unix seconds"));
        }

        var now = options.Clock.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - seconds) > options.SignatureWindow.TotalSeconds)
        {
            return (null, Unauthorized($"the request time {seconds} is more than {options.SignatureWindow.TotalMinutes} minutes from the centre's {now}"));
        }

        var device = await Task.Run(() => store.Read(r => r.FindDevice(deviceId)));
        var signature = request.Headers[DeviceSignature.SignatureHeader].ToString();
        var pathAndQuery = request.Path + request.QueryString;
        if (device is null || signature.Length != 64
            || !DeviceSignature.Verify(UploadKeys.Derive(options.UploadKeySet, deviceId), request.Method, pathAndQuery, seconds, body, signature))
        {
            return (null, Unauthorized("unknown device or wrong signature"));
        }

        return device.Status == DeviceStatus.Revoked
            ? (null, TypedResults.Problem(detail: $"device {deviceId} is revoked", statusCode: StatusCodes.Status403Forbidden, title: "Device revoked"))
            : (device, null);
    }

    private static async Task<IResult> BlacklistAsync(HttpRequest request, IClearingStore store, ServerOptions options, string? after)
    {
        var version = 0u;
        if (after is not null && !uint.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            return RequestBody.BadRequest($"after: '{after}' is not a blacklist version (a whole number)");
        }

        var (device, problem) = await AuthenticateAsync(request, store, options, []);
        if (problem is not null)
        {
            return problem;
        }

        var entries = await Task.Run(() => store.Write(w =>
        {
            var changes = w.Blacklist(version);
            var latest = changes.Count == 0 ? version : changes[^1].Version;
            w.NoteBlacklistVersion(device!.DeviceId, latest);
            return changes;
        }));
        return TypedResults.Ok(new
        {
            after = version,
            version = entries.Count == 0 ? version : entries[^1].Version,
            entries = entries.Select(e => new { e.Version, asn = e.Asn.ToString(), action = e.Action, e.Reason, e.AddedUtc }),
        });
    }
}
