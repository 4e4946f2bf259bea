using CityCard.Clearing.Lifecycle;
using CityCard.Server.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CityCard.Server;

/// <summary>Who signs a request to an endpoint that takes no operator token (endpoint metadata, for the API reference).</summary>
internal enum Signer
{
    /// <summary>A registered device, with the <c>X-CityCard-Device</c>, <c>-Time</c> and <c>-Signature</c> headers.</summary>
    Device,

    /// <summary>The payment gateway, with <c>X-CityCard-Gateway-Signature</c>.</summary>
    Gateway,
}

/// <summary>Marks an endpoint as signed by <see cref="Signer"/> (read by <see cref="ApiDescription"/>).</summary>
internal sealed record SignedBy(Signer Signer);

/// <summary>
/// What the OpenAPI document says beyond what the endpoints declare: the three ways a request is authenticated (security
/// schemes, and which operation takes which), and the ProblemDetails answers every operation can give — 400 for a
/// malformed value or body, 401/403 for credentials, 409 when the centre's rules refuse a request, 413 for a body over the
/// limit, 429 over the rate limit, 503 when the database is down.
/// </summary>
internal static class ApiDescription
{
    public const string OperatorScheme = "operatorToken";
    public const string DeviceScheme = "deviceSignature";
    public const string GatewayScheme = "gatewaySignature";

    /// <summary>Marks the endpoint as signed by a device or the gateway.</summary>
    public static RouteHandlerBuilder SignedBy(this RouteHandlerBuilder endpoint, Signer signer) => endpoint.WithMetadata(new SignedBy(signer));

    /// <summary>Adds the security schemes, each operation's credentials and problem answers, and the ASN's form.</summary>
    public static OpenApiOptions Describe(this OpenApiOptions openApi)
    {
        ArgumentNullException.ThrowIfNull(openApi);
        // HTTP answers write an ASN as its 16 hex digits (AsnJsonConverter).
        openApi.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo.Type == typeof(Security.Ep.Asn))
            {
                schema.Type = JsonSchemaType.String;
                schema.Pattern = "^[0-9A-Fa-f]{16}$";
                schema.Description = "A card's application serial number: 16 hex digits.";
                schema.Properties?.Clear();
            }

            return Task.CompletedTask;
        });
        openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[OperatorScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A back-office operator's token (`cco_…`, from `citycard centre operator add`); its role (viewer, clerk, supervisor) must reach the operation's.",
            };
            document.Components.SecuritySchemes[DeviceScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = DeviceSignature.SignatureHeader,
                Description = $"A registered device's signed request: `{DeviceSignature.DeviceHeader}` (device id), `{DeviceSignature.TimeHeader}` (Unix seconds, within the server's window) and `{DeviceSignature.SignatureHeader}` = hex HMAC-SHA256 under the device's upload key of `METHOD \\n path-and-query \\n time \\n hex SHA-256(body)`.",
            };
            document.Components.SecuritySchemes[GatewayScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = GatewaySignature.Header,
                Description = "The payment gateway's hex HMAC-SHA256 of the request body under the secret it shares with the centre (`serve --gateway-secret-file`).",
            };
            return Task.CompletedTask;
        });
        openApi.AddOperationTransformer(async (operation, context, cancellation) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var access = metadata.OfType<OperatorAccess>().FirstOrDefault();
            var signer = metadata.OfType<SignedBy>().FirstOrDefault()?.Signer;
            operation.Security ??= [];
            if (access is not null)
            {
                operation.Security.Add(Requirement(OperatorScheme, context.Document));
            }

            if (access?.Devices == true || signer == Signer.Device)
            {
                operation.Security.Add(Requirement(DeviceScheme, context.Document));
            }

            if (signer == Signer.Gateway)
            {
                operation.Security.Add(Requirement(GatewayScheme, context.Document));
            }

            var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellation);
            var method = context.Description.HttpMethod ?? string.Empty;
            var hasBody = context.Description.SupportedRequestFormats.Count > 0 || operation.RequestBody is not null;
            var hasInput = hasBody || context.Description.ParameterDescriptions.Count > 0;
            operation.Responses ??= [];
            if (hasInput)
            {
                Add(operation, problem, 400, "Malformed: the detail names the field, parameter or value.");
            }

            if (operation.Security.Count > 0)
            {
                Add(operation, problem, 401, "No valid credentials (token, or signature, device and time).");
            }

            if (access is not null || signer == Signer.Device)
            {
                Add(operation, problem, 403, access is not null ? "The operator's role is too low, or the signing device may not do this." : "The signing device may not do this (revoked, or another kind).");
            }

            // A batch file refused is answered 422 with its receipt, not 409.
            if (method is "POST" or "PUT" && !operation.Responses.ContainsKey("422"))
            {
                Add(operation, problem, 409, "Refused by the centre's rules; the detail says which.");
            }

            if (hasBody)
            {
                Add(operation, problem, 413, "The body is larger than the server's limit.");
            }

            Add(operation, problem, 429, "Over the client address's requests a minute (see Retry-After).");
            Add(operation, problem, 503, "The database is not available.");
        });
        return openApi;
    }

    private static OpenApiSecurityRequirement Requirement(string scheme, OpenApiDocument? document) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };

    private static void Add(OpenApiOperation operation, IOpenApiSchema schema, int status, string description)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
        };
    }
}
