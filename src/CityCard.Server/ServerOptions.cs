using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Verification;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Server;

/// <summary>What the server runs with.</summary>
public sealed record ServerOptions
{
    /// <summary>The largest batch file: header, 1,000,000 records, trailer.</summary>
    public const long MaxBatchBytes = Records.Batches.BatchCodec.MaxFileLength;

    /// <summary>Database URL (sqlite:PATH or postgresql://…).</summary>
    public string Database { get; init; } = Storage.DatabaseUrl.Default;

    /// <summary>The key set whose terminal master key devices' upload keys derive from.</summary>
    public IssuerKeySet UploadKeySet { get; init; } = DemoKeySet.Create(EpAlgorithm.Des);

    /// <summary>Issuer key sets of the load host (load and TAC keys by algorithm and key version).</summary>
    public IReadOnlyList<IssuerKeySet> IssuerKeySets { get; init; } = [DemoKeySet.Create(EpAlgorithm.Des), DemoKeySet.Create(EpAlgorithm.Sm4)];

    /// <summary>Issuer TAC master keys.</summary>
    public TacKeyRing TacKeys { get; init; } = TacKeyRing.Demo();

    /// <summary>
    /// The Ed25519 key that signs the parameter files the centre publishes: the public DEMO key unless given (there is
    /// no production parameter key in the key-set file yet; docs/clearing.md).
    /// </summary>
    public Terminals.Parameters.ParameterSigningKey ParameterKey { get; init; } = Terminals.Parameters.ParameterSigningKey.Demo();

    /// <summary>Largest request body accepted (413 above).</summary>
    public long MaxBodyBytes { get; init; } = MaxBatchBytes;

    /// <summary>
    /// Requests one client address (an IPv6 client: its /64 network) may make per minute; 429 with <c>Retry-After</c>
    /// above. Terminals behind one gateway share its address, so a depot's gateway may need a higher figure.
    /// </summary>
    public int RequestsPerMinute { get; init; } = DefaultRequestsPerMinute;

    /// <summary>The default of <see cref="RequestsPerMinute"/>.</summary>
    public const int DefaultRequestsPerMinute = 1_200;

    /// <summary>
    /// Reverse proxies (addresses or networks) whose <c>X-Forwarded-For</c> names the client; from any other address the
    /// header is ignored, so a client cannot choose the address it is counted against. Empty: no proxy is trusted.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Largest clock difference accepted in a signed device request.</summary>
    public TimeSpan SignatureWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The time source.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Card products and lifecycle policy (default: the built-in presets/products.json).</summary>
    public CityCard.Clearing.Lifecycle.ProductCatalog Products { get; init; } = CityCard.Clearing.Lifecycle.ProductCatalog.Default;

    /// <summary>
    /// The payment gateway's shared notification secret (at least <see cref="MinGatewaySecretBytes"/> bytes), or null when
    /// none is configured: then <c>POST /api/payments/notify</c> refuses every notification (503). There is deliberately no
    /// default, so a production host cannot end up accepting notifications signed with the published DEMO secret
    /// (<see cref="CityCard.Clearing.Lifecycle.GatewaySignature.DemoSecret"/>); a demo host passes that explicitly.
    /// </summary>
    public byte[]? PaymentGatewaySecret { get; init; }

    /// <summary>The shortest payment gateway secret accepted (HMAC-SHA256 key).</summary>
    public const int MinGatewaySecretBytes = 32;

    /// <summary>
    /// How often the server looks for gaps open longer than the waiting period and logs a warning while there are any
    /// (<see cref="GapWatch"/>). Zero or less: never.
    /// </summary>
    public TimeSpan GapCheckInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>When the first look for long-open gaps is taken, after the server started.</summary>
    public TimeSpan GapCheckStartDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Pipeline limits.</summary>
    public ClearingOptions Clearing { get; init; } = new();
}
