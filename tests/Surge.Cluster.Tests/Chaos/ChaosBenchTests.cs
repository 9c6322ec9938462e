using System.Diagnostics;
using System.Text.Json;
using Surge.Cluster.Tests.Processes;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Chaos;

/// <summary>
/// Issue 14: the promise under a real fault schedule. Runs <c>bench chaos --minutes 2 --seed 1 --secure</c> (three silo
/// processes on Redis through a cuttable link; kill -9 every 30 s, a SIGTERM rolling restart, a 5 s Redis cut every
/// 45 s; roles on, as the chart deploys it, so every restarted silo learns the client from its stored session), with
/// waves of a flow and an every-second schedule running beside the tasks, 2% of the tasks cancelled after their
/// acknowledgment and 1% failing, dead-lettered and retried once, and asserts the counters its checker reports
/// are zero. About 3–4 minutes end to end.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class ChaosBenchTests(ITestOutputHelper output)
{
    // 2 minutes of load, ~10 s of start-up, up to 60 s of quiet, recovery probes and the check; the rest is slack.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task Chaos_TwoMinutesOfKillsRestartsAndRedisCutsWithRolesOn_NothingLostChangedRepeatedOutOfOrderOrRunAfterItsCancel()
    {
        var clock = Stopwatch.StartNew();
        using var bench = ChildProcess.StartDotnet(Repo.BenchDll, "chaos", "--minutes", "2", "--seed", "1", "--secure");
        try
        {
            await bench.WaitForExitAsync(Limit);
        }
        catch (OperationCanceledException)
        {
            Process.GetProcessById(bench.Pid).Kill(entireProcessTree: true); // its silos and Redis with it
            Assert.Fail($"bench chaos did not finish within {Limit}:\n{Tail(bench.Stderr)}");
        }
        output.WriteLine($"bench chaos took {clock.Elapsed.TotalSeconds:F0} s");
        output.WriteLine(Tail(bench.Stderr));
        Assert.True(bench.ExitCode == 0, $"bench chaos exited {bench.ExitCode}:\n{Tail(bench.Stderr)}");
        var line = bench.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        output.WriteLine(line);
        using var summary = JsonDocument.Parse(line);
        var root = summary.RootElement;

        var nonZero = new[] { "lost", "changed_outcomes", "cancel_answers_broken", "started_after_cancel", "excess_runs", "ordering_violations", "overlapping_entity_runs", "stuck",
                "waves_not_done", "wave_steps_failed", "wave_order_violations" }
            .Select(k => (Key: k, Value: root.GetProperty(k).GetInt32()))
            .Append(("refused outside Redis cuts", root.GetProperty("refused").GetProperty("otherwise").GetInt32()))
            .Where(c => c.Item2 != 0)
            .ToList();
        Assert.True(root.GetProperty("acknowledged").GetInt32() > 0, "nothing was acknowledged: the run measured nothing");
        Assert.True(root.GetProperty("secure").GetBoolean(), "the run was meant to have roles on");
        Assert.True(root.GetProperty("cancels").GetProperty("asked").GetInt32() > 0, "no task was cancelled: the cancel promise went untried");
        Assert.True(root.GetProperty("dead_letters").GetProperty("retried").GetInt32() > 0, "no dead letter was retried: that path went untried");
        Assert.True(root.GetProperty("waves").GetInt32() > 0 && root.GetProperty("schedule_instants").GetInt32() > 0, "no wave or schedule ran beside the tasks");
        Assert.True(nonZero.Count == 0,
            $"the promise broke under faults: {string.Join(", ", nonZero.Select(c => $"{c.Item1} = {c.Item2}"))}; examples: {root.GetProperty("examples")}; logs kept in {root.GetProperty("logs")}");
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(40));
}
