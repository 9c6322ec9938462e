using System.Net;
using System.Net.Sockets;

namespace Surge.Testing;

/// <summary>
/// Loopback ports nothing listens on, for silos and stand-ins started by benchmarks and tests. Also compiled into the
/// cluster tests.
/// </summary>
/// <remarks>
/// Binding port 0 and closing the listener frees the port again at once, so the kernel may hand the same port to the
/// next call: a silo was once given one port for its gateway and its HTTP endpoint and refused to start. A port is
/// therefore handed out at most once per process.
/// </remarks>
public static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port)) return port;
            }
        }
    }
}
