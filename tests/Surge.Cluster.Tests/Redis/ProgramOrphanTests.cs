using System.Diagnostics;
using System.Globalization;
using Surge.Cluster.Tests.Programs;
using Surge.Programs;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>A program task does not outlive its silo's kill -9 (real Redis, silo and program processes).</summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class ProgramOrphanTests(ITestOutputHelper output)
{
    /// <summary>What docs/tasks.md promises: a dead silo's programs are gone this soon (their watchdogs wake at once).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    // Each run writes "its pid, its child's pid" to $1/run-PID.pids, then waits on the child: a long program with a
    // process of its own, as a real one (a shell script running a tool) has.
    private const string Long = """
        sleep 600 &
        echo "$$ $!" > "$1/run-$$.tmp"; mv "$1/run-$$.tmp" "$1/run-$$.pids"
        wait
        """;

    [Fact]
    public async Task ProgramTask_SiloKilledWhileItRuns_ProgramAndChildDieBeforeTheRecoveryRunsItAgain()
    {
        using var scripts = new Scripts();
        var runs = Directory.CreateDirectory(Path.Combine(scripts.Dir, "runs")).FullName;
        string[] settings = ["--Surge:Programs:long:Executable=/bin/sh", $"--Surge:Programs:long:Arguments:0={scripts.Write("long.sh", Long)}",
            $"--Surge:Programs:long:Arguments:1={runs}"];
        using var redis = await RedisServer.StartAsync();
        using var a = await RedisSilo.StartAsync(redis, settings);
        using var b = await RedisSilo.StartAsync(redis, settings);
        await Task.WhenAll(a.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)), b.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));
        await using var client = await RedisClient.StartAsync(redis);
        var spec = TaskSpec.Create("long");
        try
        {
            await client.Surge.SubmitAsync(spec);
            var first = await Eventually.ValueAsync(() => Task.FromResult(Runs(runs)), r => r.Count == 1, "the program to start", TimeSpan.FromSeconds(60));
            var status = await Eventually.ValueAsync(() => client.Surge.GetStatusAsync(spec.Id), s => s?.State == TaskState.Running, $"{spec.Id} running", TimeSpan.FromSeconds(30));
            var doomed = a.Is(status!.Silo) ? a : b.Is(status.Silo) ? b : throw new InvalidOperationException($"it runs on {status.Silo}, neither silo");
            var old = first.Single().Value;

            doomed.Kill();
            var clock = Stopwatch.StartNew();
            TimeSpan? goneAfter = null;
            await Eventually.TrueAsync(() =>
            {
                if (goneAfter is null && !old.Any(ProcessTree.IsAlive)) goneAfter = clock.Elapsed;
                return goneAfter is not null || clock.Elapsed > Bound;
            }, "the old run to end or the bound to pass", Bound + TimeSpan.FromSeconds(5));
            // The recovery: the task runs again on the surviving silo. Was the old run still running beside it?
            var again = await Eventually.ValueAsync(() => Task.FromResult(Runs(runs)), r => r.Count == 2, "the recovery to run it again", TimeSpan.FromSeconds(120));
            var oldAliveAtRecovery = old.Where(ProcessTree.IsAlive).ToList();
            output.WriteLine($"old run {string.Join(",", old)} gone {(goneAfter is { } g ? $"{g.TotalSeconds:F2} s" : $"not within {Bound.TotalSeconds} s")} after the kill; "
                + $"recovery started {clock.Elapsed.TotalSeconds:F1} s after it with the old run's {(oldAliveAtRecovery.Count == 0 ? "processes gone" : $"{string.Join(",", oldAliveAtRecovery)} alive")}");

            Assert.True(goneAfter is not null, $"the program and its child ({string.Join(",", old)}) were alive {Bound.TotalSeconds} s after their silo's kill -9");
            Assert.Empty(oldAliveAtRecovery);
        }
        finally
        {
            // Whatever the outcome, no run of this test outlives it.
            ProcessTree.Signal(Runs(runs).SelectMany(r => r.Value).Where(ProcessTree.IsAlive), ProcessTree.SigKill);
        }
    }

    // Each run's pids, by its file.
    private static Dictionary<string, int[]> Runs(string dir) => Directory.GetFiles(dir, "*.pids").ToDictionary(f => f,
        f => File.ReadAllText(f).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray());
}
