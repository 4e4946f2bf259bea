using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CityCard.Clearing;
using CityCard.Clearing.Parameters;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Storage;
using CityCard.Security;
using CityCard.Terminals.Parameters;

namespace CityCard.Server.Parameters;

/// <summary>
/// The centre as the publisher of the terminals' signed parameter file (docs/clearing.md "Parameter files"). It keeps
/// the parameter content (set from a file, else the factory content) and the blacklist; whenever either has changed
/// since the last published version, the next request publishes a new version. Version 1 is always the factory file
/// terminals are installed with. A device that says which version it has gets a delta (blacklist changes only) when
/// its version holds the current content, else the full file; every first delivery of a version to a device is logged.
/// </summary>
public sealed class ParameterPublisher
{
    /// <summary>The largest content file accepted.</summary>
    public const int MaxContentBytes = 1024 * 1024;

    private static readonly string[] CentreFields = ["version", "publishedUtc", "blacklistVersion", "blacklist"];

    // The resolver is set here: a copy of options not yet used has none, and GetTypeInfo (RequireAll) would then throw
    // before any deserialisation had filled it in (it did, in a fresh process, as a 500).
    private static readonly JsonSerializerOptions StrictOptions = new(ParameterFile.JsonOptions)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    private readonly IClearingStore store;
    private readonly ParameterSigningKey key;
    private readonly TimeProvider clock;

    /// <summary>Creates the publisher over a store, signing with <paramref name="key"/>.</summary>
    public ParameterPublisher(IClearingStore store, ParameterSigningKey key, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(clock);
        this.store = store;
        this.key = key;
        this.clock = clock;
    }

    /// <summary>
    /// Reads a parameter content file: the JSON the terminals read (camelCase, as in their payload) without the fields the
    /// centre fills in (<c>version</c>, <c>publishedUtc</c>, <c>blacklistVersion</c>, <c>blacklist</c>). Unknown fields,
    /// malformed JSON and values a terminal would refuse raise <see cref="ClearingInputException"/> naming the problem.
    /// </summary>
    public static TerminalParameters ParseContent(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxContentBytes)
        {
            throw new ClearingInputException($"parameter content: {json.Length} bytes, more than the {MaxContentBytes} accepted");
        }

        JsonObject node;
        try
        {
            node = JsonNode.Parse(json) as JsonObject ?? throw new ClearingInputException("parameter content: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ClearingInputException($"parameter content: not valid JSON ({e.Message})", e);
        }

        foreach (var field in CentreFields)
        {
            if (node.ContainsKey(field))
            {
                throw new ClearingInputException($"parameter content: '{field}' is set by the centre when it publishes (the blacklist comes from 'centre card lost|found'); remove it");
            }
        }

        // Nothing is filled in from defaults: a section (or a fare field) left out is an error, not the factory value.
        RequireAll(node, typeof(TerminalParameters), "parameter content: missing section(s)");
        foreach (var (section, type) in new[] { ("bus", typeof(BusFares)), ("taxi", typeof(TaxiTariff)) })
        {
            if (node[section] is JsonObject inner)
            {
                RequireAll(inner, type, $"parameter content: {section}: missing field(s)");
            }
        }

        node["version"] = FactoryParameters.Version;
        TerminalParameters content;
        try
        {
            content = node.Deserialize<TerminalParameters>(StrictOptions) ?? throw new ClearingInputException("parameter content: empty");
            ParameterFile.Validate(content);
        }
        catch (JsonException e)
        {
            throw new ClearingInputException($"parameter content: {e.Message}", e);
        }
        catch (ParameterFileException e)
        {
            throw new ClearingInputException(e.Message.Replace("parameter file:", "parameter content:", StringComparison.Ordinal), e);
        }

        return Content(content);
    }

    // Every member the type has in the JSON (the centre's own fields aside) must be present in the object.
    private static void RequireAll(JsonObject node, Type type, string problem)
    {
        var missing = StrictOptions.GetTypeInfo(type).Properties
            .Select(p => p.Name)
            .Where(name => !CentreFields.Contains(name, StringComparer.Ordinal) && !node.ContainsKey(name))
            .ToList();
        if (missing.Count > 0)
        {
            throw new ClearingInputException($"{problem} {string.Join(", ", missing.Select(name => $"'{name}'"))}: every one must be given (an empty list as []); 'centre params show --content' or GET /api/parameters prints the current content to start from");
        }
    }

    /// <summary>The content as stored: the payload JSON without the centre's fields.</summary>
    public static string FormatContent(TerminalParameters content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var node = JsonSerializer.SerializeToNode(Content(content), ParameterFile.JsonOptions)!.AsObject();
        foreach (var field in CentreFields)
        {
            node.Remove(field);
        }

        return node.ToJsonString(ParameterFile.JsonOptions);
    }

    /// <summary>Stores new parameter content (see <see cref="ParseContent"/>); the next request publishes it. Returns it.</summary>
    public ParameterContent SetContent(ReadOnlySpan<byte> json, string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        var text = FormatContent(ParseContent(json));
        var now = Now();
        return store.Write(w =>
        {
            var version = w.AddParameterContent(text, note, now);
            return new ParameterContent(version, text, note, now);
        });
    }

    /// <summary>The content in force: the latest set, else the factory content (content version 0).</summary>
    public (uint ContentVersion, TerminalParameters Content) CurrentContent() => store.Read(r =>
    {
        var latest = r.LatestParameterContent();
        return latest is null ? (0u, Content(FactoryParameters.Create())) : (latest.ContentVersion, ReadContent(latest));
    });

    /// <summary>The current version, publishing it first when the content or the blacklist changed since the last one.</summary>
    public ParameterPublication Publish()
    {
        var current = store.Read(r =>
        {
            var latest = r.LatestParameterPublication();
            return IsCurrent(r, latest) ? latest : null;
        });
        return current ?? store.Write(Ensure);
    }

    /// <summary>The full signed file and parameters of a published version.</summary>
    public (byte[] File, TerminalParameters Parameters) FullFile(ParameterPublication publication)
    {
        ArgumentNullException.ThrowIfNull(publication);
        var parameters = store.Read(r => Build(r, publication));
        return (ParameterFile.Sign(parameters, key), parameters);
    }

    /// <summary>
    /// Answers a device that has parameter version <paramref name="haveVersion"/> (0: none, send the full file): nothing
    /// when it is current, a delta when its version holds the current content, else the full file. A version above the
    /// latest published one is refused (<see cref="ClearingInputException"/>). Each first delivery of a version to the
    /// device is logged (<see cref="IClearingReader.ParameterPickups"/>).
    /// </summary>
    public ParameterAnswer Serve(Device device, uint haveVersion)
    {
        ArgumentNullException.ThrowIfNull(device);
        var current = Publish();
        if (haveVersion == current.Version)
        {
            return new ParameterAnswer(current, null, false);
        }

        if (haveVersion > current.Version)
        {
            throw new ClearingInputException($"have: the device reports parameter version {haveVersion}, above the centre's latest {current.Version}; it was not published by this centre (ask with have=0 and install the full file)");
        }

        var (file, delta) = store.Read(r =>
        {
            var result = Build(r, current);
            var basis = haveVersion == 0 ? null : r.FindParameterPublication(haveVersion);
            if (basis is not null && basis.ContentVersion == current.ContentVersion)
            {
                var before = Build(r, basis);
                if (Sha256(before) == basis.PayloadSha256)
                {
                    return (ParameterFile.SignDelta(before, result, key), true);
                }
            }

            return (ParameterFile.Sign(result, key), false);
        });
        var now = Now();
        store.Write(w =>
        {
            w.NoteParameterPickup(new ParameterPickup(device.DeviceId, current.Version, current.BlacklistVersion, delta, now));
            w.NoteBlacklistVersion(device.DeviceId, current.BlacklistVersion);
            return 0;
        });
        return new ParameterAnswer(current, file, delta);
    }

    private static TerminalParameters Content(TerminalParameters parameters) =>
        parameters with { Version = FactoryParameters.Version, PublishedUtc = default, BlacklistVersion = 0, Blacklist = [] };

    private static TerminalParameters ReadContent(ParameterContent stored)
    {
        var node = JsonNode.Parse(stored.Content)!.AsObject();
        node["version"] = FactoryParameters.Version;
        return node.Deserialize<TerminalParameters>(ParameterFile.JsonOptions)
            ?? throw new InvalidOperationException($"parameter content {stored.ContentVersion} is empty");
    }

    private static string Sha256(TerminalParameters parameters) => Hex.Format(SHA256.HashData(ParameterFile.Payload(parameters)));

    private static uint LatestBlacklistVersion(IClearingReader reader, uint known)
    {
        var newer = reader.Blacklist(known);
        return newer.Count == 0 ? known : newer[^1].Version;
    }

    private static bool IsCurrent(IClearingReader reader, ParameterPublication? latest) =>
        latest is not null
        && latest.ContentVersion == (reader.LatestParameterContent()?.ContentVersion ?? 0)
        && latest.BlacklistVersion == LatestBlacklistVersion(reader, latest.BlacklistVersion);

    // Inside the write lock: version 1 is the factory file; a new version whenever the content or the blacklist moved.
    private ParameterPublication Ensure(IClearingWriter writer)
    {
        var latest = writer.LatestParameterPublication();
        if (latest is null)
        {
            var factory = FactoryParameters.Create();
            latest = new ParameterPublication(FactoryParameters.Version, 0, factory.BlacklistVersion, factory.PublishedUtc, Sha256(factory));
            writer.AddParameterPublication(latest);
        }

        if (IsCurrent(writer, latest))
        {
            return latest;
        }

        var next = new ParameterPublication(
            checked(latest.Version + 1),
            writer.LatestParameterContent()?.ContentVersion ?? 0,
            LatestBlacklistVersion(writer, latest.BlacklistVersion),
            Now(),
            string.Empty);
        next = next with { PayloadSha256 = Sha256(Build(writer, next)) };
        writer.AddParameterPublication(next);
        return next;
    }

    private static TerminalParameters Build(IClearingReader reader, ParameterPublication publication)
    {
        if (publication.ContentVersion == 0 && publication.BlacklistVersion == 0 && publication.Version == FactoryParameters.Version)
        {
            return FactoryParameters.Create();
        }

        var content = publication.ContentVersion == 0
            ? Content(FactoryParameters.Create())
            : ReadContent(reader.FindParameterContent(publication.ContentVersion)
                ?? throw new InvalidOperationException($"parameter version {publication.Version} refers to missing content {publication.ContentVersion}"));
        var listed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in reader.Blacklist(0).TakeWhile(e => e.Version <= publication.BlacklistVersion))
        {
            if (entry.Action == BlacklistAction.Add)
            {
                listed.Add(entry.Asn.ToString());
            }
            else
            {
                listed.Remove(entry.Asn.ToString());
            }
        }

        return content with
        {
            Version = publication.Version,
            PublishedUtc = publication.PublishedUtc,
            BlacklistVersion = publication.BlacklistVersion,
            Blacklist = listed.ToList(),
        };
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds());
}
