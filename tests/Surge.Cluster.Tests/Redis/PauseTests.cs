using Surge.Testing;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// A silo that sleeps (SIGSTOP: a frozen VM, a GC pause) past its death declaration while replays run, and wakes after
/// the survivor has finished its work: whatever its stale shards still try to store must not change what callers saw.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class PauseTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SigStop_PastItsDeathDeclaration_WakingSiloChangesNoOutcomeAndStops()
    {
        using var redis = await RedisServer.StartAsync();
        using var sleeper = await RedisSilo.StartAsync(redis);
        using var survivor = await RedisSilo.StartAsync(redis);
        await Task.WhenAll(sleeper.WaitUntilReadyAsync(Ready), survivor.WaitUntilReadyAsync(Ready));
        var mixed = Workload.Generate("mixed", "--n", "1000");
        var ordered = Workload.Generate("ordered", "--n", "300", "--gap-ms", "40");
        var lastSubmitMs = Math.Max(Workload.LastAtMs(mixed), Workload.LastAtMs(ordered));

        using var mixedRun = Workload.StartReplay(redis, mixed);
        using var orderedRun = Workload.StartReplay(redis, ordered);
        await Task.Delay(TimeSpan.FromSeconds(8)); // the scenario: the pause lands while both replays submit and run
        Assert.False(mixedRun.Process.HasExited || orderedRun.Process.HasExited, "the pause must land while both replays run");
        Signals.Stop(sleeper.Process.Pid);

        // The survivor declares the sleeper dead, takes over its shards and finishes everything meanwhile.
        var bound = TimeSpan.FromMilliseconds(lastSubmitMs) + TimeSpan.FromSeconds(120);
        if (!await mixedRun.TryWaitAsync(bound) | !await orderedRun.TryWaitAsync(bound))
        {
            var log = Path.Combine(Path.GetTempPath(), $"surge-survivor-{Guid.NewGuid():N}.log");
            await File.WriteAllTextAsync(log, survivor.Process.Stdout + survivor.Process.Stderr);
            Assert.Fail($"not all final within {bound.TotalSeconds:F0} s of the pause (survivor's log: {log}; replays' stderr below):\n"
                + $"{await Workload.DescribeUnfinishedAsync(redis, mixed, ordered)}\n{Tail(mixedRun.Process.Stderr)}\n{Tail(orderedRun.Process.Stderr)}");
        }
        mixedRun.AssertSucceeded();
        orderedRun.AssertSucceeded();

        // It wakes with runs whose time is up and shards that still think they serve: it stores nothing of theirs, and
        // stops once it reads that it is dead.
        Signals.Continue(sleeper.Process.Pid);
        await sleeper.Process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"the sleeper exited with {sleeper.Process.ExitCode}");

        foreach (var (run, tasks) in new[] { (mixedRun, 1000), (orderedRun, 600) })
        {
            var report = run.Report();
            output.WriteLine(report.ToString());
            Assert.Equal(tasks, report.GetProperty("completed").GetInt32());
            Assert.Equal(0, report.GetProperty("ordering_violations").GetInt32());
        }
        await using var client = await RedisClient.StartAsync(redis);
        var changed = new List<string>();
        foreach (var seen in mixedRun.Results().Concat(orderedRun.Results()))
        {
            var now = await client.Surge.GetStatusAsync(seen.Id);
            if (now is null || (seen.State, seen.FinishedAt, seen.Attempts) != (now.State.ToString(), now.FinishedAt, now.Attempts))
                changed.Add($"{seen.Id}: seen {seen.State} at {seen.FinishedAt:O} after {seen.Attempts} attempt(s), now {now?.State} at {now?.FinishedAt:O} after {now?.Attempts}");
        }
        Assert.True(changed.Count == 0, $"{changed.Count} outcome(s) changed after the sleeper woke:\n{string.Join('\n', changed.Take(20))}");
    }

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;
}
