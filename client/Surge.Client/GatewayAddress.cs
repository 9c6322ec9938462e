using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Surge.Client;

/// <summary>Parses <c>host:port</c> gateway addresses with errors a person can act on.</summary>
public static class GatewayAddress
{
    /// <summary>
    /// Reads <c>host:port</c> (an IP address, bracketed IPv6 or a host name resolved now, port 1 to 65535); on failure
    /// <paramref name="error"/> says what was expected, for a command line or configuration error to show as it is.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out IPEndPoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (string.IsNullOrWhiteSpace(text) || colon <= 0)
        {
            error = "expected host:port, for example 127.0.0.1:30000";
            return false;
        }
        if (!int.TryParse(text.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            error = $"port '{text[(colon + 1)..]}' is not 1 to 65535";
            return false;
        }
        var host = text[..colon].Trim('[', ']');
        if (!IPAddress.TryParse(host, out var address))
        {
            try
            {
                address = Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                          ?? Dns.GetHostAddresses(host).First();
            }
            catch (Exception e) when (e is SocketException or InvalidOperationException)
            {
                error = $"host '{host}' does not resolve";
                return false;
            }
        }
        endpoint = new IPEndPoint(address, port);
        error = null;
        return true;
    }
}
