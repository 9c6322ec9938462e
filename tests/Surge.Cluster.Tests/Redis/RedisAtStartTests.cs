using System.Diagnostics;
using Surge.Cluster.Tests.Processes;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// A silo started while Redis is out of reach waits for it (<c>Surge:Redis:StartupTimeout</c>), as a Celery worker
/// retries its broker at start. Before, its first connection's failure was an unhandled exception: the process aborted
/// (exit 134), as one silo did in a chaos run that restarted it during a Redis cut.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class RedisAtStartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Start_RedisDownForItsFirst6s_SiloWaitsThenServes()
    {
        using var redis = await RedisServer.StartAsync();
        await redis.StopAsync();
        var clock = Stopwatch.StartNew();
        using var silo = RedisSilo.Launch(redis.ConnectionString);
        // The scenario: an outage of 6 s at least, and until the silo has met it (a loaded machine can take longer than
        // that to start the process at all).
        await Task.WhenAll(Task.Delay(TimeSpan.FromSeconds(6)), WaitsForRedisAsync(silo, "was down"));
        await redis.StartAgainAsync();
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"ready {clock.Elapsed.TotalSeconds:F1} s after it started, the first 6 s with Redis down");

        await ServesAsync(redis);
        Assert.False(silo.Process.HasExited);
    }

    // Redis takes the connections and answers reads but holds writes (paused, as during a failover, or stalled): the
    // silo connected, then its first write to the membership table timed out, and the process aborted (exit 134).
    [Fact]
    public async Task Start_RedisHoldsItsWrites_SiloWaitsThenServes()
    {
        using var redis = await RedisServer.StartAsync();
        await redis.PauseWritesAsync(TimeSpan.FromMinutes(2)); // ended below, once the silo has met it
        var clock = Stopwatch.StartNew();
        using var silo = RedisSilo.Launch(redis.ConnectionString);
        await WaitsForRedisAsync(silo, "held its writes");
        await redis.UnpauseAsync();
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"ready {clock.Elapsed.TotalSeconds:F1} s after it started, Redis' writes held until it waited");

        await ServesAsync(redis);
    }

    // A deploy rolled back (SIGTERM) while the silo waits for Redis at start: it stops, as a worker does, rather than
    // abort (exit 134 and "Unhandled exception. System.OperationCanceledException", seen when a SIGTERM met a start).
    [Fact]
    public async Task Sigterm_WhileWaitingForRedisAtStart_ExitsCleanly()
    {
        using var redis = await RedisServer.StartAsync();
        await redis.PauseWritesAsync(TimeSpan.FromMinutes(2));
        try
        {
            using var silo = RedisSilo.Launch(redis.ConnectionString);
            await WaitsForRedisAsync(silo, "held its writes");
            await silo.TerminateAsync(TimeSpan.FromSeconds(30));
            Assert.True(silo.Process.ExitCode == 0, $"exit code {silo.Process.ExitCode}:\n{Tail(silo.Process.Stderr)}");
            output.WriteLine(Tail(silo.Process.Stderr));
        }
        finally
        {
            await redis.UnpauseAsync();
        }
    }

    // Until the starting silo says it waits for Redis (it must not exit meanwhile).
    private static async Task WaitsForRedisAsync(RedisSilo silo, string redisWhat)
    {
        await Eventually.TrueAsync(() => silo.Process.HasExited || (silo.Process.Stdout + silo.Process.Stderr).Contains("trying again"),
            "the silo waiting for Redis", TimeSpan.FromSeconds(60));
        Assert.False(silo.Process.HasExited, $"the silo exited with {(silo.Process.HasExited ? silo.Process.ExitCode : 0)} while Redis {redisWhat}:\n{Tail(silo.Process.Stderr)}");
    }

    private static async Task ServesAsync(RedisServer redis)
    {
        await using var client = await RedisClient.StartAsync(redis);
        var status = await client.Surge.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":1}"""), TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Succeeded, status.State);
    }

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;

    [Fact]
    public async Task Start_RedisNeverReachable_ExitsWithCode1NamingTheTimeout()
    {
        using var redis = await RedisServer.StartAsync();
        await redis.StopAsync(); // a port nothing listens on
        using var silo = ChildProcess.StartDotnet(Repo.SiloDll, $"--Surge:Redis:ConnectionString={redis.ConnectionString}",
            "--Surge:Redis:StartupTimeout=00:00:03", $"--Surge:Ports:Silo={Repo.FreePort()}", $"--Surge:Ports:Gateway={Repo.FreePort()}",
            $"--Surge:Ports:Http={Repo.FreePort()}");
        await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var last = silo.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        output.WriteLine($"exit {silo.ExitCode}: {last}");
        Assert.Equal(1, silo.ExitCode);
        Assert.StartsWith("surge silo: Redis at", last);
        Assert.Contains("Surge:Redis:StartupTimeout", last);
        Assert.DoesNotContain("Unhandled exception", silo.Stderr);
    }
}
