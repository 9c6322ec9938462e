using System.Diagnostics;
using System.Text.Json;
using Surge.Cluster.Tests.Processes;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>The delivery promise in cluster mode, with real Redis, silo and client processes.</summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class CrashRecoveryTests(ITestOutputHelper output)
{
    /// <summary>The bound the README states: a dead silo's work is final this long after the last submission.</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KillNine_DuringMixedAndOrderedReplays_EveryTaskFinalOnceAndInOrder()
    {
        using var redis = await RedisServer.StartAsync();
        using var first = await RedisSilo.StartAsync(redis);
        using var second = await RedisSilo.StartAsync(redis);
        // The mixed replay submits for ~8 s and the ordered one's builds spread over ~20 s: the kill lands while both
        // submit, on the silo running a long task then.
        var mixed = Workload.Generate("mixed", "--n", "2000");
        var ordered = Workload.Generate("ordered", "--n", "500", "--gap-ms", "40");
        var lastSubmitMs = Math.Max(Workload.LastAtMs(mixed), Workload.LastAtMs(ordered));

        var clock = Stopwatch.StartNew();
        using var mixedRun = Workload.StartReplay(redis, mixed);
        using var orderedRun = Workload.StartReplay(redis, ordered);
        // Where shards and runs land is the cluster's choice: the silo killed is one running a long task with a second
        // or more left, so the kill surely catches a run (with a fixed silo at a fixed time, now and then it caught none).
        var (doomed, survivor) = await RunningLongTaskAsync(redis, mixed, first, second);
        Assert.False(mixedRun.Process.HasExited || orderedRun.Process.HasExited, "the kill must land while both replays run");
        doomed.Kill();
        var killedAt = clock.Elapsed;

        var bound = TimeSpan.FromMilliseconds(lastSubmitMs) + RecoveryBound + TimeSpan.FromSeconds(5); // +5 s: the CLI's start
        if (!await mixedRun.TryWaitAsync(bound - clock.Elapsed) | !await orderedRun.TryWaitAsync(bound - clock.Elapsed))
        {
            var log = Path.Combine(Path.GetTempPath(), $"surge-survivor-{Guid.NewGuid():N}.log");
            await File.WriteAllTextAsync(log, survivor.Process.Stdout + survivor.Process.Stderr);
            Assert.Fail($"not all final {bound.TotalSeconds:F0} s after the start (survivor's log: {log}):\n{await Workload.DescribeUnfinishedAsync(redis, mixed, ordered)}");
        }
        mixedRun.AssertSucceeded();
        orderedRun.AssertSucceeded();
        output.WriteLine($"killed at {killedAt.TotalSeconds:F1} s; all final at {clock.Elapsed.TotalSeconds:F1} s (last submission at {lastSubmitMs / 1000:F1} s)");

        foreach (var (run, tasks) in new[] { (mixedRun, 2000), (orderedRun, 1000) })
        {
            var report = run.Report();
            output.WriteLine(report.ToString());
            Assert.Equal(tasks, report.GetProperty("completed").GetInt32());
            Assert.Equal(0, report.GetProperty("rejected").GetInt32());
            Assert.Equal(0, report.GetProperty("ordering_violations").GetInt32());
        }

        // The result each caller saw first is still the recorded one: a re-run never overwrote it.
        await using var client = await RedisClient.StartAsync(redis);
        var reruns = 0;
        foreach (var seen in mixedRun.Results().Concat(orderedRun.Results()))
        {
            var now = await client.Surge.GetStatusAsync(seen.Id);
            Assert.NotNull(now);
            Assert.Equal((seen.State, seen.FinishedAt, seen.Attempts), (now.State.ToString(), now.FinishedAt, now.Attempts));
            if (now.Attempts > 1) reruns++;
        }
        output.WriteLine($"{reruns} tasks ran more than once (at least once), each with one recorded result");
        Assert.True(reruns > 0, "the kill should have caught some tasks queued or running on the dead silo");
    }

    // Polls the statuses of the workload's tasks of 2 s or more until one runs with at least a second left: its silo first.
    private static async Task<(RedisSilo Running, RedisSilo Other)> RunningLongTaskAsync(RedisServer redis, string workload, RedisSilo a, RedisSilo b)
    {
        await using var client = await RedisClient.StartAsync(redis);
        var longTasks = File.ReadLines(workload).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(t => t.GetProperty("duration_ms").GetDouble() >= 2_000)
            .Select(t => (Id: t.GetProperty("id").GetString()!, Ms: t.GetProperty("duration_ms").GetDouble())).ToList();
        string? silo = null;
        await Eventually.TrueAsync(async () =>
        {
            var statuses = await Task.WhenAll(longTasks.Select(t => client.Surge.GetStatusAsync(t.Id)));
            var now = DateTimeOffset.UtcNow;
            silo = statuses.Zip(longTasks).FirstOrDefault(s => s.First is { State: TaskState.Running, StartedAt: { } started, Silo: not null }
                && started.AddMilliseconds(s.Second.Ms) - now > TimeSpan.FromSeconds(1)).First?.Silo;
            return silo is not null;
        }, "a long task running with a second or more left", TimeSpan.FromSeconds(30));
        return a.Is(silo) ? (a, b) : (b, a);
    }
}

[CollectionDefinition("redis-cluster")]
public sealed class RedisClusterCollection;
