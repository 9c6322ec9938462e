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
        using var doomed = await RedisSilo.StartAsync(redis);
        using var survivor = await RedisSilo.StartAsync(redis);
        // Builds spread over ~20 s, so the kill lands while both replays are submitting.
        var mixed = Workload.Generate("mixed", "--n", "2000");
        var ordered = Workload.Generate("ordered", "--n", "500", "--gap-ms", "40");
        var lastSubmitMs = Math.Max(Workload.LastAtMs(mixed), Workload.LastAtMs(ordered));

        var clock = Stopwatch.StartNew();
        using var mixedRun = Workload.StartReplay(redis, mixed);
        using var orderedRun = Workload.StartReplay(redis, ordered);
        await Task.Delay(TimeSpan.FromSeconds(9)); // the scenario: the kill lands 9 s into replays that submit for ~20 s
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
}

[CollectionDefinition("redis-cluster")]
public sealed class RedisClusterCollection;
