using System.Globalization;
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
/// <para>
/// Two test processes at once (test.sh runs the Redis tests beside the others) could still be given the same port by
/// the kernel, one of them before its silo binds it. With <c>SURGE_TEST_PORTS=LOW-HIGH</c> a process hands out ports
/// of that range only, each checked free, walking from an offset its process id picks (a benchmark it starts inherits
/// the range and walks from elsewhere). test.sh gives each run its own range, below the kernel's ephemeral ports
/// (32768 and up, the port-0 pool) and outside Orleans' test cluster ports (22300–30000, 40000–50000).
/// </para>
/// </remarks>
public static class FreePorts
{
    /// <summary>The environment variable naming this process's range, <c>LOW-HIGH</c>.</summary>
    public const string RangeVariable = "SURGE_TEST_PORTS";

    private static readonly HashSet<int> HandedOut = [];
    private static readonly (int Low, int High)? Range = ParseRange(Environment.GetEnvironmentVariable(RangeVariable));
    private static int _cursor = Range is { } r ? r.Low + (int)((uint)Environment.ProcessId * 7919u % (uint)(r.High - r.Low + 1)) : 0;

    public static int Next()
    {
        lock (HandedOut)
        {
            if (Range is { } range) return NextInRange(range);
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port)) return port;
            }
        }
    }

    private static int NextInRange((int Low, int High) range)
    {
        for (var tried = 0; tried <= range.High - range.Low; tried++)
        {
            var port = _cursor;
            _cursor = port == range.High ? range.Low : port + 1;
            if (!HandedOut.Contains(port) && IsFree(port))
            {
                HandedOut.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"no free port left in {RangeVariable}={range.Low}-{range.High}; give a wider range");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int Low, int High)? ParseRange(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var parts = value.Split('-');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var high)
            && low is >= 1024 and <= 65535 && high is >= 1024 and <= 65535 && low < high)
            return (low, high);
        throw new InvalidOperationException($"{RangeVariable} is '{value}'; write LOW-HIGH, two ports from 1024 to 65535, such as 10000-15999");
    }
}
