using System.Globalization;
using CityCard.Clearing;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Storage;
using CityCard.Records.Batches;
using CityCard.Server.Authentication;
using CityCard.Server.Parameters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CityCard.Server.Endpoints;

/// <summary>
/// Device endpoints, each request signed with the device's upload key (<see cref="DeviceSignature"/>): unknown devices
/// get 401, revoked ones 403. <c>GET /api/devices/parameters?have=V</c> gives the signed parameter file that brings a
/// device from version V up to date (a delta of blacklist changes, or the full file; 204 when it is current) and logs
/// the pickup (docs/clearing.md "Parameter files").
/// </summary>
internal static class DeviceEndpoints
{
    /// <summary>Response header: the centre's latest parameter version.</summary>
    public const string VersionHeader = "X-CityCard-Parameter-Version";

    /// <summary>Response header: <c>full</c> or <c>delta</c>.</summary>
    public const string KindHeader = "X-CityCard-Parameter-Kind";

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/devices/parameters", ParametersAsync)
            .WithName("DownloadParameters")
            .SignedBy(Signer.Device)
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("The signed parameter file for a device that has version 'have' (0: full file): a delta of blacklist changes when its version holds the current fares, else the full file; 204 when current. Signed request; the pickup is logged.");
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

        // Compared against now ± the window, never by subtracting the client's figure, which may be any long
        // (long.MinValue would overflow the subtraction).
        var now = options.Clock.GetUtcNow().ToUnixTimeSeconds();
        var window = (long)options.SignatureWindow.TotalSeconds;
        if (seconds < now - window || seconds > now + window)
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

    private static async Task<IResult> ParametersAsync(HttpRequest request, HttpResponse response, IClearingStore store, ServerOptions options, ParameterPublisher publisher, string? have)
    {
        var version = 0u;
        if (have is not null && !uint.TryParse(have, NumberStyles.None, CultureInfo.InvariantCulture, out version))
        {
            return RequestBody.BadRequest($"have: '{have}' is not a parameter version (a whole number 0..{uint.MaxValue}; 0 asks for the full file)");
        }

        var (device, problem) = await AuthenticateAsync(request, store, options, []);
        if (problem is not null)
        {
            return problem;
        }

        ParameterAnswer answer;
        try
        {
            answer = await Task.Run(() => publisher.Serve(device!, version));
        }
        catch (ClearingInputException e)
        {
            return TypedResults.Problem(detail: e.Message, statusCode: StatusCodes.Status409Conflict, title: "Unknown parameter version");
        }

        response.Headers[VersionHeader] = answer.Publication.Version.ToString(CultureInfo.InvariantCulture);
        if (answer.File is null)
        {
            return TypedResults.NoContent();
        }

        response.Headers[KindHeader] = answer.Delta ? "delta" : "full";
        return TypedResults.Bytes(answer.File, "application/json");
    }
}
