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

    /// <summary>Deserialises a JSON body, or a 400 problem naming what is wrong.</summary>
    public static (T? Value, IResult? Problem) Json<T>(byte[] body, JsonSerializerOptions options)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, options);
            return value is null ? (null, BadRequest("the request body must be a JSON object")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, BadRequest($"the request body is not valid JSON: {e.Message}"));
        }
    }

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Malformed request");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem(detail: $"the request body is larger than {limit} bytes", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");
}
