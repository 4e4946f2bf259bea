using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using CityCard.Clearing;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;
using CityCard.Server.Endpoints;
using CityCard.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityCard.Server;

/// <summary>Builds the clearing-centre web application (<c>citycard serve</c>); tests host it in process.</summary>
public static class ClearingServer
{
    /// <summary>Builds the application over the database of <paramref name="options"/> (SQLite is migrated on open).</summary>
    public static WebApplication Build(ServerOptions options, string[]? args = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RequestsPerMinute, 1);
        if (options.PaymentGatewaySecret is { Length: < ServerOptions.MinGatewaySecretBytes })
        {
            throw new ArgumentException($"the payment gateway secret must be at least {ServerOptions.MinGatewaySecretBytes} bytes", nameof(options));
        }

        var builder = WebApplication.CreateBuilder(args ?? []);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= FrameworkDetail(context.HttpContext, context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode));

        // A route or query value that does not convert (/api/records/abc/1/0/review, ?limit=abc) throws, so the answer
        // names the parameter and the value instead of being a bare 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.KeyOf(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            limiter.OnRejected = (rejected, cancellation) =>
            {
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after))
                {
                    rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return new ValueTask(Results.Problem(
                    detail: $"more than {options.RequestsPerMinute} requests a minute from {ClientAddress.KeyOf(rejected.HttpContext)}",
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests").ExecuteAsync(rejected.HttpContext));
            };
        });
        builder.Services.AddOpenApi("v1", openApi => openApi.AddOperationTransformer((operation, context, _) =>
        {
            // Who may call it, in the reference: the role an operator's token needs, or that a signed outlet may.
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Authentication.OperatorAccess>().FirstOrDefault() is { } access)
            {
                var who = $"Needs `Authorization: Bearer cco_…` of a {Clearing.Operators.OperatorDirectory.Name(access.Role)} or above{(access.Devices ? ", or a request signed by an active top-up outlet" : string.Empty)}; 401 without a valid token, 403 with too low a role.";
                operation.Description = string.IsNullOrEmpty(operation.Description) ? who : operation.Description + "\n\n" + who;
            }

            return Task.CompletedTask;
        }).Describe());
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower));
            json.SerializerOptions.Converters.Add(new AsnJsonConverter());
        });
        var store = ClearingStores.Open(options.Database);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(new ClearingService(store, options.UploadKeySet, options.TacKeys, options.Clock, options.Clearing));
        builder.Services.AddSingleton(new CentreRegistry(store, options.Clock));
        builder.Services.AddSingleton(new SettlementService(store, options.Clock));
        builder.Services.AddSingleton(new SuspectReview(store, options.Clock));
        builder.Services.AddSingleton(new Clearing.Loads.OnlineLoads(store, options.IssuerKeySets, options.Clock));
        builder.Services.AddSingleton(new Parameters.ParameterPublisher(store, options.ParameterKey, options.Clock));
        builder.Services.AddSingleton(new GapAlarm(store, options.Clock));
        builder.Services.AddSingleton<GapWatch>();
        builder.Services.AddHostedService(services => services.GetRequiredService<GapWatch>());
        builder.Services.AddSingleton(new Clearing.Lifecycle.CardLifecycle(store, options.Products, options.Clock));
        builder.Services.AddSingleton(new Clearing.Lifecycle.OnlineTopUps(store, options.Products.Policy, options.Clock));
        builder.Services.AddSingleton(new Clearing.Operators.OperatorDirectory(store, options.Clock));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = HandleException,

            // An expected refusal (a 4xx) is logged by HandleException as one line at Information; only real failures
            // keep the middleware's error entry with its stack trace.
            SuppressDiagnosticsCallback = context => Refusal(context.Exception) is not null,
        });
        app.UseStatusCodePages();
        if (options.TrustedProxies.Count > 0)
        {
            // Only the configured proxies: the defaults (loopback) are cleared, and only the nearest hop is taken.
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in options.TrustedProxies)
            {
                forwarded.KnownIPNetworks.Add(proxy);
            }

            app.UseForwardedHeaders(forwarded);
        }

        app.UseRateLimiter();
        app.Use(Authentication.OperatorAuthentication.CheckAsync);
        app.MapOpenApi("/api/openapi/{documentName}.json");
        BatchEndpoints.Map(app);
        DeviceEndpoints.Map(app);
        BackOfficeEndpoints.Map(app);
        LoadEndpoints.Map(app);
        ParameterEndpoints.Map(app);
        LifecycleEndpoints.Map(app);
        ApiDocsPage.Map(app);
        app.Lifetime.ApplicationStopped.Register(store.Dispose);
        return app;
    }

    // The detail of an answer the framework made without one (no endpoint, a method the path does not take, …).
    private static string FrameworkDetail(HttpContext context, int status)
    {
        var request = $"{context.Request.Method} {context.Request.Path}";
        return status switch
        {
            StatusCodes.Status404NotFound => $"no endpoint answers {request} (the API reference is /api/docs)",
            StatusCodes.Status405MethodNotAllowed => $"{context.Request.Path} does not take {context.Request.Method} (the API reference is /api/docs)",
            StatusCodes.Status415UnsupportedMediaType => $"{request}: content type '{context.Request.ContentType}' is not accepted",
            _ => $"{request}: {Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status)}",
        };
    }

    // The status and title of an exception that is an expected refusal of the client's request (4xx), or null.
    private static (int Status, string Title)? Refusal(Exception? error) => error switch
    {
        ClearingInputException => (StatusCodes.Status409Conflict, "The request cannot be carried out"),
        BadHttpRequestException bad when bad.StatusCode is >= 400 and < 500 => (bad.StatusCode, "Bad request"),
        _ => null,
    };

    // Expected refusals become ProblemDetails naming the problem (logged as one line); a database outage a 503 and
    // anything else a 500 without internals, both logged as errors by the exception handler middleware.
    private static async Task HandleException(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        // A database that went away under the running server (PostgreSQL stopped, a connection lost, SQLite's file
        // unwritable) fails in the engine's own exception, not a StorageException: both are a 503 naming the database.
        var (status, title) = Refusal(error) ?? (DatabaseFailures.IsUnavailable(error)
            ? (StatusCodes.Status503ServiceUnavailable, "The database is not available")
            : (StatusCodes.Status500InternalServerError, "Internal error"));
        var detail = status switch
        {
            StatusCodes.Status500InternalServerError => "see the server log",
            StatusCodes.Status503ServiceUnavailable when error is not StorageException =>
                $"{context.RequestServices.GetRequiredService<IClearingStore>().Description}: {DatabaseFailures.Message(error!)}",
            _ => error?.Message,
        };
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClearingServer).FullName!);
        if (Refusal(error) is not null && logger.IsEnabled(LogLevel.Information))
        {
            logger.RequestRefused(context.Request.Method, context.Request.Path.Value ?? string.Empty, status, detail);
        }

        await Results.Problem(detail: detail, statusCode: status, title: title).ExecuteAsync(context);
    }
}
