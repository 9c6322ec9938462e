using System.Diagnostics;
using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Redis;

/// <summary>A real silo process in cluster mode on Redis, on free ports.</summary>
public sealed class RedisSilo : IDisposable
{
    private readonly ChildProcess _process;

    private RedisSilo(ChildProcess process, int gatewayPort)
    {
        _process = process;
        GatewayPort = gatewayPort;
    }

    public int GatewayPort { get; }
    public ChildProcess Process => _process;

    public static async Task<RedisSilo> StartAsync(RedisServer redis, params string[] settings)
    {
        var gateway = Repo.FreePort();
        var process = ChildProcess.StartDotnet(Repo.SiloDll, [
            $"--Surge:Redis:ConnectionString={redis.ConnectionString}", $"--Surge:Ports:Silo={Repo.FreePort()}",
            $"--Surge:Ports:Gateway={gateway}", $"--Surge:Ports:Http={Repo.FreePort()}", "--Surge:Workers:MaxConcurrency=8", .. settings]);
        var silo = new RedisSilo(process, gateway);
        try
        {
            await Repo.WaitForPortAsync(gateway, TimeSpan.FromSeconds(60), "the silo",
                () => process.HasExited ? $"exit code {process.ExitCode}:\n{process.Stdout}\n{process.Stderr}" : null);
            return silo;
        }
        catch
        {
            silo.Dispose();
            throw;
        }
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

    public void Dispose() => _process.Dispose();
}
