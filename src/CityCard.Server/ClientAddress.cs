using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace CityCard.Server;

/// <summary>
/// Whom a request is counted against by the rate limiter: the network address it came from (after a trusted proxy's
/// <c>X-Forwarded-For</c>, see <see cref="ServerOptions.TrustedProxies"/>), never a header the client chose. Counting by
/// a claimed device id would let one client escape the limit by varying it, and let anyone use up a real terminal's
/// requests by naming it. IPv6 clients are counted by their /64 network, which one subscriber usually holds whole.
/// </summary>
public static class ClientAddress
{
    /// <summary>The rate-limit key of a request.</summary>
    public static string KeyOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return KeyOf(context.Connection.RemoteIpAddress);
    }

    /// <summary>The rate-limit key of an address: IPv4 as it is (IPv4-mapped IPv6 too), IPv6 by its /64 network.</summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            // An in-process host or a transport without addresses: all such requests share one budget.
            return "address unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "address " + address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"network {new IPAddress(bytes)}/64";
    }

    /// <summary>
    /// Parses a trusted proxy: an address (<c>10.0.0.5</c>, <c>::1</c>) or a network (<c>10.0.0.0/24</c>); the error
    /// names <paramref name="option"/> and the value.
    /// </summary>
    public static IPNetwork ParseProxy(string? text, string option)
    {
        var value = text?.Trim() ?? string.Empty;
        FormatException Wrong() => new($"{option}: '{text}' is not an IP address or network (ADDRESS or ADDRESS/PREFIX with the host bits zero)");

        // IPAddress also takes shorthand such as "10.5" (10.0.0.5); an IPv4 address here is written out in four parts.
        var address = value.Split('/')[0];
        if (!address.Contains(':', StringComparison.Ordinal) && address.Count(c => c == '.') != 3)
        {
            throw Wrong();
        }

        if (IPAddress.TryParse(value, out var single) && !value.Contains('/', StringComparison.Ordinal))
        {
            return new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        }

        // A network written with host bits set (10.0.0.1/24) is refused rather than silently widened or narrowed.
        if (IPNetwork.TryParse(value, out var network) && IPAddress.TryParse(address, out var written) && written.Equals(network.BaseAddress))
        {
            return network;
        }

        throw Wrong();
    }
}
