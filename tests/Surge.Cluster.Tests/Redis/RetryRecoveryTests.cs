using System.Diagnostics;
using Surge.Cluster.Tests.Programs;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>A retry waiting for its backoff survives the silo that scheduled it (real Redis and silo processes).</summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class RetryRecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Retry_SiloKilledDuringBackoff_NextAttemptRunsOnTheNewSiloAtItsTime()
    {
        using var scripts = new Scripts();
        // A program task that fails its first attempt: retries are tested across processes with no test handler inside.
        var script = scripts.Write("flaky.sh", """[ "$SURGE_ATTEMPT" = "1" ] && { echo "first attempt fails" >&2; exit 1; }; echo "attempt $SURGE_ATTEMPT" """);
        string[] settings = ["--Surge:Programs:flaky:Executable=/bin/sh", $"--Surge:Programs:flaky:Arguments:0={script}",
            "--Surge:Policies:Types:flaky:MaxAttempts=3", "--Surge:Policies:Types:flaky:BackoffBase=00:00:30", "--Surge:Policies:Types:flaky:Jitter=0"];
        using var redis = await RedisServer.StartAsync();
        // Both silos up before the task exists, so nothing slow (a silo's start on a loaded machine) eats into the backoff.
        using var a = await RedisSilo.StartAsync(redis, settings);
        using var b = await RedisSilo.StartAsync(redis, settings);
        await Task.WhenAll(a.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)), b.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));
        await using var client = await RedisClient.StartAsync(redis); // knows both gateways (a client reads them from Redis as it starts)
        var spec = TaskSpec.Create("flaky");
        await client.Surge.SubmitAsync(spec);
        var status = await Eventually.ValueAsync(() => client.Surge.GetStatusAsync(spec.Id), s => s?.State == TaskState.Retrying, $"{spec.Id} retrying", TimeSpan.FromSeconds(30));
        var nextAttempt = status!.NextAttemptAt!.Value;
        Assert.Contains("exited with code 1", status.Error);

        // The silo that ran attempt 1 holds its shard (one group: a shard runs its work on its own silo), and with it the
        // wait for the next attempt: it dies during that wait.
        var ranOn = status.History.Single().Silo;
        var (first, second) = a.Is(ranOn) ? (a, b) : b.Is(ranOn) ? (b, a) : throw new InvalidOperationException($"attempt 1 ran on {ranOn}, neither silo");
        Assert.True(DateTimeOffset.UtcNow < nextAttempt - TimeSpan.FromSeconds(5), "the kill must land during the backoff");
        first.Kill();
        var clock = Stopwatch.StartNew();
        var done = await client.Surge.WaitAsync(spec.Id, TimeSpan.FromSeconds(120));
        output.WriteLine($"final {clock.Elapsed.TotalSeconds:F1} s after the kill, {(done.StartedAt - nextAttempt)?.TotalSeconds:F1} s after its due time: {done.State}, attempts {done.Attempts}");

        Assert.Equal(TaskState.Succeeded, done.State);
        Assert.Equal(2, done.Attempts);
        Assert.True(second.Is(done.Silo), $"attempt 2 ran on {done.Silo}, not on the surviving silo");
        Assert.True(done.StartedAt >= nextAttempt, $"attempt 2 started at {done.StartedAt:O}, before its time {nextAttempt:O}");
        Assert.True(done.StartedAt - nextAttempt < TimeSpan.FromSeconds(60), $"attempt 2 started {done.StartedAt - nextAttempt} after its time: past the 60 s recovery bound");
    }
}
