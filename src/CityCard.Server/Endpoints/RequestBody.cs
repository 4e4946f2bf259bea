using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CityCard.Server.Endpoints;

/// <summary>Reads request bodies within the size limit; problems become ProblemDetails naming them.</summary>
internal static class RequestBody
{
    /// <summary>The body's bytes, or a 413 problem when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<(byte[]? Body, IResult? Problem)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellation)
    {
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (null, TooLarge(limit));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), null);
    }

    // Strict copies of the server's JSON options, one per options object: a field the request does not take is refused,
    // not ignored (a misspelt "balance" would otherwise register a card with no balance).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Strict = [];

    /// <summary>Deserialises a JSON body, or a 400 problem naming what is wrong (an unknown field included).</summary>
    public static (T? Value, IResult? Problem) Json<T>(byte[] body, JsonSerializerOptions options)
        where T : class
    {
        var strict = Strict.GetValue(options, static given => new JsonSerializerOptions(given)
        {
            UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
            TypeInfoResolver = given.TypeInfoResolver ?? new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        });
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, strict);
            return value is null ? (null, BadRequest("the request body must be a JSON object")) : (value, null);
        }
        catch (JsonException e) when (UnknownField(e) is { } field)
        {
            return (null, BadRequest($"the request body has a field this request does not take: '{field}'"));
        }
        catch (JsonException e) when (WrongType(e) is { } problem)
        {
            return (null, BadRequest(problem));
        }
        catch (JsonException e)
        {
            return (null, BadRequest($"the request body is not valid JSON: {e.Message}"));
        }
    }

    // "amountFen: '5x' … is not a whole number" for System.Text.Json's "The JSON value could not be converted to
    // System.Nullable`1[System.Int64]. Path: $.amountFen …", which names a .NET type instead of what the field takes.
    private static string? WrongType(JsonException e)
    {
        const string Marker = "could not be converted to ";
        var at = e.Message.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0 || e.Path is not { Length: > 2 } path || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return null;
        }

        var type = e.Message[(at + Marker.Length)..];
        var wanted = type switch
        {
            _ when type.Contains("Int", StringComparison.Ordinal) => "a whole number",
            _ when type.StartsWith("System.String", StringComparison.Ordinal) => "a string",
            _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ => null,
        };
        return wanted is null ? null : $"{path[2..]}: the value must be {wanted}";
    }

    // The name in System.Text.Json's "The JSON property 'NAME' could not be mapped to any .NET member …", or null.
    private static string? UnknownField(JsonException e)
    {
        const string Prefix = "The JSON property '";
        var message = e.Message;
        if (!message.StartsWith(Prefix, StringComparison.Ordinal) || !message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return null;
        }

        var end = message.IndexOf("' could not be mapped", Prefix.Length, StringComparison.Ordinal);
        return end > Prefix.Length ? message[Prefix.Length..end] : null;
    }

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Malformed request");

    /// <summary>A 400 with an argument error's message, without the " (Parameter 'asn')" .NET appends to it.</summary>
    public static IResult BadRequest(ArgumentException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var suffix = $" (Parameter '{error.ParamName}')";
        return BadRequest(error.ParamName is not null && error.Message.EndsWith(suffix, StringComparison.Ordinal) ? error.Message[..^suffix.Length] : error.Message);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem(detail: $"the request body is larger than {limit} bytes", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");
}
