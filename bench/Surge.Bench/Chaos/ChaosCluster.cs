using Surge.Testing;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge.Client;
using Surge.Faults;

namespace Surge.Bench.Chaos;

/// <summary>
/// A redis-server (append-only file fsynced every second), a <see cref="TcpLinkCutter"/> in front of it, and silo
/// processes that reach Redis only through that link. The benchmark's own client reaches Redis directly: the observer
/// must not be blinded by the cut it injects. With silo links (<c>--partitions</c>), each silo's silo-to-silo port is
/// behind a link of its own, so that one silo can be cut off from the others (<see cref="Partition"/>) or every link made
/// slow (<see cref="Slow"/>). Redis runs with its DEBUG command on (local connections only) for <see cref="StallRedisAsync"/>.
/// </summary>
internal sealed class ChaosCluster : IAsyncDisposable
{
    private readonly Process _redis;
    private readonly int _redisPort;

    private ChaosCluster(Process redis, int redisPort, TcpLinkCutter link, string dir)
    {
        _redis = redis;
        _redisPort = redisPort;
        Link = link;
        Dir = dir;
        RunLog = Path.Combine(dir, "runs");
    }

    public TcpLinkCutter Link { get; }
    public string Dir { get; }
    public string RunLog { get; }
    public IReadOnlyList<ChaosSilo> Silos { get; private set; } = [];

    public static async Task<ChaosCluster> StartAsync(string dir, int silos, string[] siloSettings, bool siloLinks = false)
    {
        var redisPort = SiloProcess.FreePort();
        var redisDir = Directory.CreateDirectory(Path.Combine(dir, "redis")).FullName;
        var redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", $"{redisPort}", "--bind", "127.0.0.1", "--dir", redisDir,
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--protected-mode", "no", "--enable-debug-command", "local"]) { RedirectStandardOutput = true })!;
        redis.OutputDataReceived += (_, _) => { };
        redis.BeginOutputReadLine();
        await SiloProcess.WaitForPortAsync(redisPort, "redis-server did not start");
        var link = new TcpLinkCutter("127.0.0.1", redisPort);
        var cluster = new ChaosCluster(redis, redisPort, link, dir);
        string[] settings = [$"--Surge:Redis:ConnectionString={link.Endpoint}", $"--Surge:Workers:RunLog={cluster.RunLog}",
            "--Surge:Workers:Simulate=true", .. siloSettings]; // cluster mode leaves simulate off
        cluster.Silos = [.. Enumerable.Range(0, silos).Select(slot => new ChaosSilo(slot, dir, settings, siloLinks))];
        // One at a time: the first creates the membership table, the others join an active cluster.
        foreach (var silo in cluster.Silos) await silo.StartAsync();
        return cluster;
    }

    /// <summary>
    /// Cuts <paramref name="silo"/> (process <paramref name="pid"/>) off from the other silos, both ways: every
    /// connection into it (its link), and every connection it opened to another silo (at that silo's link, told apart
    /// by the pair of ports). Orleans uses a connection both ways, whichever silo opened it, so the inbound cut alone
    /// would leave the connections this silo opened working. Its Redis link and its gateway stay up.
    /// </summary>
    public void Partition(ChaosSilo silo, int pid)
    {
        silo.SiloLink!.Cut();
        foreach (var other in Silos.Where(s => s != silo))
        {
            var port = other.SiloLink!.Port;
            other.SiloLink.Cut(client => ProcessConnections.Of(pid).Contains((client.Port, port)));
        }
    }

    /// <summary>
    /// Redis stalls for <paramref name="length"/> with every connection left open: commands sent meanwhile neither
    /// succeed nor fail, and run when it wakes. By SIGSTOP of redis-server (the kernel still takes bytes), or with
    /// <paramref name="sleep"/> by <c>DEBUG SLEEP</c> (Redis busy in one command, as a slow script or a fork stalls it).
    /// </summary>
    public async Task StallRedisAsync(TimeSpan length, bool sleep)
    {
        if (!sleep)
        {
            Signals.Stop(_redis.Id);
            try
            {
                await Task.Delay(length);
            }
            finally
            {
                Signals.Continue(_redis.Id);
            }
            return;
        }
        var seconds = length.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var cli = Process.Start(new ProcessStartInfo("redis-cli", ["-p", $"{_redisPort}", "DEBUG", "SLEEP", seconds]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = cli.StandardOutput.ReadToEndAsync();
        var error = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();
        if (cli.ExitCode != 0 || !(await output).Contains("OK", StringComparison.Ordinal))
            throw new InvalidOperationException($"redis-cli DEBUG SLEEP {seconds} failed (exit {cli.ExitCode}): {await output}{await error}");
    }

    /// <summary>
    /// Links slow: Redis' (<paramref name="redis"/>) and silo to silo (<paramref name="silos"/>, with silo links): each
    /// chunk <paramref name="min"/> to <paramref name="max"/> late.
    /// </summary>
    public void Slow(TimeSpan min, TimeSpan max, bool redis = true, bool silos = true)
    {
        if (redis) Link.Slow(min, max);
        if (!silos) return;
        foreach (var silo in Silos) silo.SiloLink?.Slow(min, max);
    }

    public void Fast()
    {
        Link.Fast();
        foreach (var silo in Silos) silo.SiloLink?.Fast();
    }

    /// <summary>Heals every silo link; returns how many connections were reset.</summary>
    public int HealPartition() => Silos.Sum(s => s.SiloLink!.Heal());

    /// <summary>A Surge client that finds the gateways through Redis, directly (not through the link).</summary>
    public async Task<IHost> ClientAsync(string[] settings)
    {
        var builder = Host.CreateApplicationBuilder([$"--Surge:Redis:ConnectionString=127.0.0.1:{_redisPort}", .. settings]);
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter(null, LogLevel.Error);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.UseOrleansClient(c => c.AddSurgeClient());
        var host = builder.Build();
        await host.StartAsync();
        _ = host.Services.GetRequiredService<ISurgeClient>();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos) await silo.DisposeAsync();
        await Link.DisposeAsync();
        if (!_redis.HasExited) _redis.Kill();
        await _redis.WaitForExitAsync();
        _redis.Dispose();
    }
}
