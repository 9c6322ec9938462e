using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surge.Hosting;
using Surge.Tasks;

namespace Surge.Bench;

/// <summary>
/// The status page's lists at a million records: page loads through the same fan-out the page's endpoint runs
/// (<see cref="TaskLists"/>: one call per shard, merged), answered from each shard's index, against the same pages
/// answered by each shard scanning its records (the baseline, same run). The records are put in the task store before
/// the silo starts, as a shard finds them after a restart: no million tasks are run. <c>/api/status</c>'s per-silo
/// summaries are read too, at a small and at the full number of records, to show their cost does not grow with records.
/// </summary>
internal static class ListsBench
{
    private static readonly TaskList[] Lists = [TaskList.DeadLetters, TaskList.Held, TaskList.Queued, TaskList.Running];
    private const int Types = 20;

    public static async Task RunAsync(string[] args)
    {
        var records = int.Parse(BenchCli.Option(args, "records", "1000000"));
        var small = int.Parse(BenchCli.Option(args, "small", "10000"));
        var loads = int.Parse(BenchCli.Option(args, "loads", "300"));
        var scans = int.Parse(BenchCli.Option(args, "scans", "60"));
        var smallRun = await MeasureAsync(small, loads, scans);
        var fullRun = await MeasureAsync(records, loads, scans);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "lists",
            records,
            index_p95_ms = fullRun.Index.P95,
            scan_p95_ms = fullRun.Scan.P95,
            index_p95_per_scan_p95 = Math.Round(fullRun.Index.P95 / fullRun.Scan.P95, 3),
            index_p50_ms = fullRun.Index.P50,
            scan_p50_ms = fullRun.Scan.P50,
            status_p50_ms_small = smallRun.Status.P50,
            status_p50_ms_full = fullRun.Status.P50,
            status_p50_full_per_small = Math.Round(fullRun.Status.P50 / smallRun.Status.P50, 3),
            status_p95_ms_small = smallRun.Status.P95,
            status_p95_ms_full = fullRun.Status.P95,
            status_p95_full_per_small = Math.Round(fullRun.Status.P95 / smallRun.Status.P95, 3),
            goal = "index_p95_ms < 200 and status_p50_full_per_small close to 1",
        }));
    }

    private sealed record Run((double P50, double P95, double P99) Index, (double P50, double P95, double P99) Scan, (double P50, double P95, double P99) Status);

    private static async Task<Run> MeasureAsync(int records, int loads, int scans)
    {
        var store = Fill(records);
        var clock = Stopwatch.StartNew();
        using var host = await BenchHosts.SiloAsync([], silo => silo.Services.AddSingleton<ITaskStore>(store));
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var lists = new TaskLists(grains, TimeProvider.System);
        await lists.ReadAsync(new TaskListQuery(TaskList.DeadLetters, null, null, 50), scan: false, CancellationToken.None); // activates and loads every shard
        var loaded = clock.Elapsed.TotalSeconds;
        var random = new Random(1);
        var index = await TimeAsync(loads, async () => { var q = await QueryAsync(lists, random); return () => lists.ReadAsync(q, scan: false, CancellationToken.None); });
        var scan = await TimeAsync(scans, async () => { var q = await QueryAsync(lists, random); return () => lists.ReadAsync(q, scan: true, CancellationToken.None); });
        var silo = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
        var status = await TimeAsync(loads, () => Task.FromResult<Func<Task>>(() => grains.GetGrain<IWorkerSiloGrain>(silo).GetSummaryAsync()));
        foreach (var (what, p) in new[] { ("index", index), ("scan", scan), ("status_summary", status) })
            Console.WriteLine(JsonSerializer.Serialize(new { bench = "lists", records, what, p50_ms = p.P50, p95_ms = p.P95, p99_ms = p.P99, loaded_s = Math.Round(loaded, 1) }));
        await host.StopAsync();
        return new(index, scan, status);
    }

    // One page load as the page makes it: a list, a type filter half the time, and a page one to four deep. The pages
    // before it are walked first (untimed), for the cursor the timed load starts from.
    private static async Task<TaskListQuery> QueryAsync(TaskLists lists, Random random)
    {
        var list = Lists[random.Next(Lists.Length)];
        var type = random.Next(2) == 0 ? null : $"type-{random.Next(Types):D2}";
        TaskListKey? after = null;
        for (var depth = random.Next(1, 5); depth > 1; depth--)
        {
            var earlier = await lists.ReadAsync(new TaskListQuery(list, type, after, 50), scan: false, CancellationToken.None);
            after = TaskListKey.FromCursor(earlier.Next);
        }
        return new TaskListQuery(list, type, after, 50);
    }

    // Times only the load <paramref name="prepare"/> hands back.
    private static async Task<(double P50, double P95, double P99)> TimeAsync(int count, Func<Task<Func<Task>>> prepare)
    {
        var ms = new double[count];
        for (var i = 0; i < count; i++)
        {
            var load = await prepare();
            var clock = Stopwatch.StartNew();
            await load();
            ms[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(ms);
        return (Math.Round(Percentiles.NearestRank<double>(ms, 0.50), 2), Math.Round(Percentiles.NearestRank<double>(ms, 0.95), 2), Math.Round(Percentiles.NearestRank<double>(ms, 0.99), 2));
    }

    // A mix an operator's cluster might hold: most tasks done, and many on the lists. Retrying tasks are left out: each
    // arms a timer when its shard loads, which is not what this measures. Held events carry no entity, so the shards'
    // upkeep does not hand a hundred thousand of them to their entities while the clock runs.
    private static InMemoryTaskStore Fill(int records)
    {
        var store = new InMemoryTaskStore();
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        var random = new Random(7);
        var shards = new List<TaskRecord>[TaskShards.Count];
        for (var s = 0; s < shards.Length; s++) shards[s] = [];
        var types = Enumerable.Range(0, Types).Select(i => $"type-{i:D2}").ToArray();
        for (var i = 0; i < records; i++)
        {
            var id = $"bench-{i:D7}";
            var at = t0.AddMilliseconds(random.Next(3_600_000));
            var roll = random.Next(10);
            var record = new TaskRecord
            {
                Spec = TaskSpec.Create(types[random.Next(types.Length)], id: id),
                SubmittedAt = at,
                Attempts = 1,
                State = roll switch { < 3 => TaskState.Failed, < 5 => TaskState.Held, < 7 => TaskState.Queued, 7 => TaskState.Running, _ => TaskState.Succeeded },
                DeadLettered = roll < 3,
                FinishedAt = roll < 3 || roll > 7 ? at.AddSeconds(1) : null,
                StartedAt = roll == 7 ? at : null,
                QueuedAt = roll is 5 or 6 or 7 ? at : null,
                Error = roll < 3 ? "boom" : null,
            };
            shards[TaskShards.For(id)].Add(record);
        }
        for (var s = 0; s < shards.Length; s++) store.SaveAsync(store.ClaimAsync(s).Result, shards[s]); // in memory: complete at once
        return store;
    }
}
