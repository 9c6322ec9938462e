using Surge.Testing;
using System.Diagnostics;
using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Redis;

/// <summary>A real silo process in cluster mode on Redis, on free ports.</summary>
public sealed class RedisSilo : IDisposable
{
    private readonly ChildProcess _process;

    private RedisSilo(ChildProcess process, int siloPort, int gatewayPort, int httpPort)
    {
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
    }

    /// <summary>Its silo-to-silo port: the port in the silo address task statuses name (<c>TaskStatus.Silo</c>).</summary>
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public int HttpPort { get; }
    public ChildProcess Process => _process;

    public static Task<RedisSilo> StartAsync(RedisServer redis, params string[] settings) => StartAsync(redis.ConnectionString, settings);

    /// <summary>A silo that reaches Redis at <paramref name="redis"/>, such as a <c>TcpLinkCutter</c>'s endpoint.</summary>
    public static async Task<RedisSilo> StartAsync(string redis, params string[] settings)
    {
        var silo = Launch(redis, settings);
        var process = silo.Process;
        try
        {
            await Repo.WaitForPortAsync(silo.GatewayPort, TimeSpan.FromSeconds(60), "the silo",
                () => process.HasExited ? $"exit code {process.ExitCode}:\n{process.Stdout}\n{process.Stderr}" : null);
            return silo;
        }
        catch
        {
            silo.Dispose();
            throw;
        }
    }

    /// <summary>The silo process, started; it may still be starting (or fail to). <see cref="StartAsync(string, string[])"/> waits for its gateway.</summary>
    public static RedisSilo Launch(string redis, params string[] settings)
    {
        int siloPort = Repo.FreePort(), gateway = Repo.FreePort(), http = Repo.FreePort();
        var process = ChildProcess.StartDotnet(Repo.SiloDll, [
            $"--Surge:Redis:ConnectionString={redis}", $"--Surge:Ports:Silo={siloPort}",
            $"--Surge:Ports:Gateway={gateway}", $"--Surge:Ports:Http={http}", "--Surge:Workers:MaxConcurrency=8",
            "--Surge:Workers:Simulate=true", .. settings]); // cluster mode leaves simulate off; these tests run it
        return new RedisSilo(process, siloPort, gateway, http);
    }

    /// <summary>
    /// Until the silo is active in the cluster (its /ready says so): an open gateway port only means it is joining, and
    /// a silo still joining cannot declare a dead one dead.
    /// </summary>
    public async Task WaitUntilReadyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () => _process.HasExited
            ? throw new InvalidOperationException($"the silo exited with {_process.ExitCode} before it was ready:\n{Tail(_process.Stderr)}")
            : (await Http.TryGetAsync(http, "/ready")).Status == System.Net.HttpStatusCode.OK, "silo ready", limit);
    }

    /// <summary>SIGKILL: the process dies at once, with whatever it held.</summary>
    public void Kill() => _process.KillNow();

    /// <summary>SIGTERM, and how long the process took to exit.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        Signals.Terminate(_process.Pid);
        await _process.WaitForExitAsync(limit + TimeSpan.FromSeconds(30));
        return clock.Elapsed;
    }

    /// <summary>Whether <paramref name="siloAddress"/> (a silo address as statuses write it, 127.0.0.1:port@generation) is this silo.</summary>
    public bool Is(string? siloAddress) => siloAddress is not null && siloAddress.Split('@')[0].EndsWith($":{SiloPort}", StringComparison.Ordinal);

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;

    public void Dispose() => _process.Dispose();
}
