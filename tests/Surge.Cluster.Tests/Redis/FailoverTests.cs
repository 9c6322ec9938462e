using System.Diagnostics;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>Issue 14: a silo's death is ridden out while another silo and Redis are alive.</summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class FailoverTests(ITestOutputHelper output)
{
    /// <summary>From the kill to every one of the dead silo's shards answering on a live silo.</summary>
    private static readonly TimeSpan ShardsServingBound = TimeSpan.FromSeconds(15);

    /// <summary>From the kill to the start of every unfinished task's final run (so final within this plus its run time).</summary>
    private static readonly TimeSpan FinalBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task KillNine_DuringReplays_NothingRefusedShardsServeWithin15sAllFinalWithin30sPlusRunTime()
    {
        using var redis = await RedisServer.StartAsync();
        using var doomed = await RedisSilo.StartAsync(redis);
        using var survivor = await RedisSilo.StartAsync(redis);
        await Task.WhenAll(doomed.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)), survivor.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));
        var mixed = Workload.Generate("mixed", "--n", "2000");
        var ordered = Workload.Generate("ordered", "--n", "500", "--gap-ms", "40");
        // Each ask gives up after a second (FirstAnswerAsync asks again), so none keeps retrying behind the next.
        await using var probe = await RedisClient.StartAsync(redis, "--Surge:Client:FailoverTimeout=00:00:01", "--Surge:Client:WaitSlice=00:00:01");
        var probes = ShardProbes.Ids();
        await Task.WhenAll(probes.Select(id => probe.Surge.GetStatusAsync(id))); // every shard active before the kill

        using var mixedRun = Workload.StartReplay(redis, mixed);
        using var orderedRun = Workload.StartReplay(redis, ordered);
        await Task.Delay(TimeSpan.FromSeconds(8)); // the scenario: the kill lands 8 s into replays that submit for ~20 s
        Assert.False(mixedRun.Process.HasExited || orderedRun.Process.HasExited, "the kill must land while both replays run");
        doomed.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        var sinceKill = Stopwatch.StartNew();

        var serving = await Task.WhenAll(probes.Select(id => ShardProbes.FirstAnswerAsync(probe, id, sinceKill, TimeSpan.FromSeconds(90))));
        var allServing = serving.Max();
        output.WriteLine($"kill -> all {probes.Length} shards serving: {allServing.TotalSeconds:F1} s");

        var limit = TimeSpan.FromSeconds(120);
        if (!await mixedRun.TryWaitAsync(limit - sinceKill.Elapsed) | !await orderedRun.TryWaitAsync(limit - sinceKill.Elapsed))
            Assert.Fail($"replays not done {limit.TotalSeconds:F0} s after the kill:\n{await Workload.DescribeUnfinishedAsync(redis, mixed, ordered)}");
        mixedRun.AssertSucceeded();
        orderedRun.AssertSucceeded();

        var results = mixedRun.Results().Concat(orderedRun.Results()).ToList();
        var lastFinal = results.Max(r => r.FinishedAt ?? DateTimeOffset.MaxValue) - killedAt;
        var latestStart = results.Max(r => r.StartedAt ?? DateTimeOffset.MaxValue) - killedAt;
        output.WriteLine($"kill -> all final: {lastFinal.TotalSeconds:F1} s; kill -> last final run started: {latestStart.TotalSeconds:F1} s");
        foreach (var (run, tasks) in new[] { (mixedRun, 2000), (orderedRun, 1000) })
        {
            var report = run.Report();
            output.WriteLine($"{tasks} tasks: rejected {report.GetProperty("rejected")}, short p99 {report.GetProperty("short").GetProperty("p99_ms")} ms, " +
                $"long p99 {report.GetProperty("long").GetProperty("p99_ms")} ms, ordering violations {report.GetProperty("ordering_violations")}");
        }

        // Before the kill both silos were loaded: a probe missed then would be a slow silo, not a dead one.
        output.WriteLine($"probes missed before the kill (the doomed silo's log): {Count(doomed.Process.Stdout, "Did not get response for probe")}; " +
            $"the survivor's: {Count(survivor.Process.Stdout, "Did not get response for probe")}");

        foreach (var (run, tasks) in new[] { (mixedRun, 2000), (orderedRun, 1000) })
        {
            var report = run.Report();
            Assert.Equal(0, report.GetProperty("rejected").GetInt32());
            Assert.Equal(tasks, report.GetProperty("completed").GetInt32());
            Assert.Equal(0, report.GetProperty("ordering_violations").GetInt32());
        }
        Assert.True(allServing <= ShardsServingBound, $"the dead silo's shards served again {allServing.TotalSeconds:F1} s after the kill; bound {ShardsServingBound.TotalSeconds} s");
        Assert.True(latestStart <= FinalBound, $"a task's final run started {latestStart.TotalSeconds:F1} s after the kill; bound {FinalBound.TotalSeconds} s (+ its run time to final)");
    }

    private static int Count(string log, string text) => log.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));
}
