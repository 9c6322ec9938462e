using System.Text.Json;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// Silo groups with real processes on Redis: a short group of two silos (one of them interruptible, a spot pod) and a
/// long group of one. Oracle routing makes the split deterministic: under 50 ms short, else long.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class SiloGroupTests(SiloGroupCluster cluster, ITestOutputHelper output) : IClassFixture<SiloGroupCluster>
{
    [Fact]
    public async Task MixedReplay_TwoGroups_ShortRunsOnShortSilosLongOnLongSilosInOrderAndDurable()
    {
        var workload = GroupWorkload.Write("groups", n: 150, spreadMs: 1_500);
        using var replay = Workload.StartReplay(cluster.Redis, workload);
        Assert.True(await replay.TryWaitAsync(TimeSpan.FromSeconds(90)), $"the replay did not finish:\n{await Workload.DescribeUnfinishedAsync(cluster.Redis, workload)}");
        replay.AssertSucceeded();

        var (shortRuns, longRuns) = await AssertRanInTheirGroupsAsync(workload, replay);
        output.WriteLine($"{shortRuns} short tasks on short-group silos, {longRuns} long on the long-group silo");
        Assert.True(shortRuns > 0 && longRuns > 0);
    }

    [Fact]
    public async Task Sigterm_ShortGroupSpotSiloMidReplay_NothingLostNothingDeadLettered()
    {
        var spot = cluster.Spot;
        var workload = GroupWorkload.Write("reclaim", n: 200, spreadMs: 2_000, burst: 100);
        using var replay = Workload.StartReplay(cluster.Redis, workload);

        // The reclaim lands while the spot silo (one slot) has a queue from the burst: its queued work must move.
        await using (var client = await RedisClient.StartAsync(cluster.Redis))
        {
            var burst = GroupWorkload.Ids(workload).Where(t => t.Id.Contains("-burst-", StringComparison.Ordinal)).Select(t => t.Id).ToList();
            await Eventually.TrueAsync(async () =>
            {
                var queued = 0;
                foreach (var id in burst)
                    if (await client.Surge.GetStatusAsync(id) is { State: TaskState.Queued } s && spot.Is(s.Silo)) queued++;
                return queued >= 5;
            }, "short tasks queued on the spot silo", TimeSpan.FromSeconds(60));
        }
        Assert.False(replay.Process.HasExited, "the reclaim must land while the replay runs");
        var exitedAfter = await spot.TerminateAsync(SiloGroupCluster.ReclaimNotice);
        output.WriteLine($"SIGTERM to exit: {exitedAfter.TotalSeconds:F1} s (reclaim notice {SiloGroupCluster.ReclaimNotice.TotalSeconds:F0} s)");
        output.WriteLine(string.Join('\n', spot.Process.Stdout.Split('\n').Where(l => l.Contains("Drain"))));
        Assert.Equal(0, spot.Process.ExitCode);
        Assert.True(exitedAfter <= SiloGroupCluster.ReclaimNotice + TimeSpan.FromSeconds(1), $"exited after {exitedAfter}, notice {SiloGroupCluster.ReclaimNotice}");
        Assert.Matches(@"Drained in \d+ ms: [1-9]\d* queued tasks handed over", spot.Process.Stdout);

        Assert.True(await replay.TryWaitAsync(TimeSpan.FromSeconds(90)), $"the replay did not finish:\n{await Workload.DescribeUnfinishedAsync(cluster.Redis, workload)}");
        replay.AssertSucceeded();
        await AssertRanInTheirGroupsAsync(workload, replay);
    }

    // Every task final once, succeeded (nothing lost, nothing dead-lettered), in order, with the result its caller saw,
    // and run by a silo of the group that hosts its pool.
    private async Task<(int Short, int Long)> AssertRanInTheirGroupsAsync(string workload, ReplayProcess replay)
    {
        var tasks = GroupWorkload.Ids(workload);
        var report = replay.Report();
        output.WriteLine(report.ToString());
        Assert.Equal(tasks.Count, report.GetProperty("completed").GetInt32());
        Assert.Equal(0, report.GetProperty("rejected").GetInt32());
        Assert.Equal(0, report.GetProperty("ordering_violations").GetInt32());

        await using var client = await RedisClient.StartAsync(cluster.Redis);
        var seen = replay.Results().ToDictionary(r => r.Id);
        int shortRuns = 0, longRuns = 0;
        foreach (var (id, isShort) in tasks)
        {
            var status = await client.Surge.GetStatusAsync(id);
            Assert.NotNull(status);
            Assert.Equal(TaskState.Succeeded, status.State);
            Assert.False(status.DeadLettered);
            Assert.Equal((seen[id].State, seen[id].FinishedAt, seen[id].Attempts), (status.State.ToString(), status.FinishedAt, status.Attempts));
            Assert.Equal(isShort ? PoolKind.Short : PoolKind.Long, status.Pool);
            if (isShort)
            {
                Assert.True(cluster.ShortGroup.Any(s => s.Is(status.Silo)), $"short task {id} ran on {status.Silo}, not a short-group silo");
                shortRuns++;
            }
            else
            {
                Assert.True(cluster.Long.Is(status.Silo), $"long task {id} ran on {status.Silo}, not the long-group silo");
                longRuns++;
            }
        }
        return (shortRuns, longRuns);
    }
}

/// <summary>Redis and three silo processes: short group (a spot silo and an on-demand one), long group (one silo).</summary>
public sealed class SiloGroupCluster : IAsyncLifetime
{
    public static readonly TimeSpan ReclaimNotice = TimeSpan.FromSeconds(10);

    public RedisServer Redis { get; private set; } = null!;
    public RedisSilo Spot { get; private set; } = null!;
    public RedisSilo OnDemandShort { get; private set; } = null!;
    public RedisSilo Long { get; private set; } = null!;
    public IEnumerable<RedisSilo> ShortGroup => [Spot, OnDemandShort];

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        string[] oracle = ["--Surge:Routing:Mode=oracle"];
        var silos = await Task.WhenAll(
            RedisSilo.StartAsync(Redis, [.. oracle, "--Surge:Silo:Group=short", "--Surge:Silo:Pools:0=Short", "--Surge:Silo:Interruptible=true",
                $"--Surge:Silo:ReclaimNotice={ReclaimNotice}", "--Surge:Workers:MaxConcurrency=1"]), // one slot: a burst queues there
            RedisSilo.StartAsync(Redis, [.. oracle, "--Surge:Silo:Group=short", "--Surge:Silo:Pools:0=Short"]),
            RedisSilo.StartAsync(Redis, [.. oracle, "--Surge:Silo:Group=long", "--Surge:Silo:Pools:0=Long"]));
        (Spot, OnDemandShort, Long) = (silos[0], silos[1], silos[2]);
        await Task.WhenAll(silos.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))));
    }

    public Task DisposeAsync()
    {
        foreach (var silo in (RedisSilo?[])[Spot, OnDemandShort, Long]) silo?.Dispose();
        Redis?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// A small mixed workload for groups: plain short (5–25 ms) and long (60–200 ms) tasks, and builds whose long
/// "started" event must end before their short "finished" event starts, so order is kept across the two groups;
/// optionally a burst of short tasks (40 ms) halfway.
/// </summary>
internal static class GroupWorkload
{
    public static string Write(string prefix, int n, int spreadMs, int burst = 0)
    {
        var random = new Random(20);
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.jsonl");
        var lines = new List<string>(n + n / 5);
        for (var i = 0; i < n; i++)
        {
            var at = (long)i * spreadMs / n;
            var id = $"{prefix}-{i:0000}";
            switch (i % 5)
            {
                case 0:
                    var build = $"build/{prefix}-{i}";
                    lines.Add(Line(id + "-started", at, "build-event", random.Next(60, 150), build, "build.started"));
                    lines.Add(Line(id + "-finished", at + 5, "build-event", random.Next(5, 15), build, "build.finished", after: "build.started"));
                    break;
                case 4: lines.Add(Line(id, at, "compile", random.Next(60, 200))); break;
                default: lines.Add(Line(id, at, "lint", random.Next(5, 25))); break;
            }
        }
        for (var i = 0; i < burst; i++) lines.Add(Line($"{prefix}-burst-{i:0000}", spreadMs / 2, "lint", 40));
        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>The workload's tasks, and whether each is short (oracle routing: under 50 ms).</summary>
    public static List<(string Id, bool Short)> Ids(string workload) => File.ReadLines(workload).Select(l =>
    {
        var e = JsonDocument.Parse(l).RootElement;
        return (e.GetProperty("id").GetString()!, e.GetProperty("duration_ms").GetDouble() < 50);
    }).ToList();

    private static string Line(string id, long at, string type, int durationMs, string? entity = null, string? evt = null, string? after = null)
        => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id, ["at_ms"] = at, ["type"] = type, ["entity"] = entity, ["event"] = evt, ["after"] = after,
            ["features"] = new Dictionary<string, object>(), ["duration_ms"] = durationMs, ["memory_mb"] = 8,
        });
}
