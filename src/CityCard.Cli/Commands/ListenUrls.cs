using System.Net;
using System.Net.Sockets;

namespace CityCard.Cli.Commands;

/// <summary>
/// Checks <c>--urls</c> of <c>serve</c> and <c>demo</c> before anything runs: each address (separated by ';') must be an
/// http:// or https:// URL (else exit 2), and its port must be free to listen on (else exit 1), so <c>demo</c> does not
/// simulate a whole day only to find its port taken, and <c>serve</c> names the problem instead of crashing.
/// </summary>
internal static class ListenUrls
{
    public static void Check(string urls, string option = "--urls")
    {
        foreach (var text in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel's wildcard hosts (http://*:5080, http://+:5080) are not URI hosts; check them as "any address".
            var wildcard = text.Contains("://*", StringComparison.Ordinal) || text.Contains("://+", StringComparison.Ordinal);
            var parsed = wildcard ? text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal) : text;
            if (!Uri.TryCreate(parsed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"{option}: '{text}' is not an http:// or https:// URL (e.g. http://127.0.0.1:5080)");
            }

            var address = uri.HostNameType switch
            {
                UriHostNameType.IPv4 or UriHostNameType.IPv6 => IPAddress.Parse(uri.Host.Trim('[', ']')),
                _ when string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase) => IPAddress.Loopback,
                _ => IPAddress.Any,
            };
            TryListen(text, new IPEndPoint(address, uri.Port));
        }
    }

    private static void TryListen(string url, IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen();
        }
        catch (SocketException e)
        {
            throw new CliFailure($"--urls {url}: cannot listen on {endpoint}: {e.Message}", e);
        }
    }
}
