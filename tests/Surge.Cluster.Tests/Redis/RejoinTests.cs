using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// A silo that comes back after a <c>kill -9</c> takes its share of a backlog at once, as a Celery or Hangfire worker
/// that (re)joins starts taking work from the queue: the survivor does not work it off alone.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class RejoinTests(ITestOutputHelper output)
{
    // 3,000 tasks of 100-300 ms: about 75 s of work for one silo of 8 slots, so most of it still waits when the killed
    // silo is back (the dead one's shards serve on the survivor 9-15 s after the kill, and a silo starts in 5-10 s).
    private const int Tasks = 3_000;

    // Submitted once the killed silo is back, while shards move to it.
    private const int LateTasks = 1_000;

    [Fact]
    public async Task KillNineAndRestart_DuringBacklog_RejoinedSiloRunsAShareOfWhatStartsAfter()
    {
        using var redis = await RedisServer.StartAsync();
        var runs = Directory.CreateTempSubdirectory("surge-runs-").FullName;
        using var doomed = await RedisSilo.StartAsync(redis, $"--Surge:Workers:RunLog={runs}");
        using var survivor = await RedisSilo.StartAsync(redis, $"--Surge:Workers:RunLog={runs}");
        await Task.WhenAll(doomed.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)), survivor.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));
        await using var client = await RedisClient.StartAsync(redis);
        var random = new Random(7);
        var specs = Enumerable.Range(0, Tasks)
            .Select(i => TaskSpec.Create("simulate", $$"""{"duration_ms":{{random.Next(100, 301)}}}""", id: $"backlog-{i}")).ToList();
        await Parallel.ForEachAsync(specs, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (spec, _) => await client.Surge.SubmitAsync(spec));

        // Entity events submitted from the kill on, through the failover and the moves: in order, never overlapping.
        var events = Workload.Generate("ordered", "--n", "300", "--gap-ms", "60");
        doomed.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        using var orderedRun = Workload.StartReplay(redis, events);
        // The killed silo comes back once the survivor has taken all its shards, as a restart after the failover: the
        // survivor then holds every shard and the whole backlog. (Started sooner, it could be the first home of a dead
        // shard, and run that shard's work from the start.)
        await using (var probe = await RedisClient.StartAsync(redis, "--Surge:Client:FailoverTimeout=00:00:01", "--Surge:Client:WaitSlice=00:00:01"))
        {
            var sinceKill = Stopwatch.StartNew();
            await Task.WhenAll(ShardProbes.Ids().Select(id => ShardProbes.FirstAnswerAsync(probe, id, sinceKill, TimeSpan.FromSeconds(90))));
            output.WriteLine($"every shard serving on the survivor {sinceKill.Elapsed.TotalSeconds:F1} s after the kill");
        }
        using var rejoined = await RedisSilo.StartAsync(redis, $"--Surge:Workers:RunLog={runs}");
        await rejoined.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        var readyAt = DateTimeOffset.UtcNow;
        output.WriteLine($"rejoined silo ready {(readyAt - killedAt).TotalSeconds:F1} s after the kill");
        // Submitted one after another while shards move to it (within an upkeep, 5 s): none refused (SubmitAsync throws).
        var late = Enumerable.Range(0, LateTasks).Select(i => TaskSpec.Create("simulate", """{"duration_ms":100}""", id: $"late-{i}")).ToList();
        foreach (var spec in late) await client.Surge.SubmitAsync(spec);
        output.WriteLine($"{LateTasks} more submitted one at a time, the last {(DateTimeOffset.UtcNow - readyAt).TotalSeconds:F1} s after it was ready");
        specs.AddRange(late);

        // Every task succeeded, whichever silo ran it: running work was not lost, queued work not left behind.
        var ids = specs.Select(s => s.Id).ToHashSet();
        await Eventually.TrueAsync(() => Succeeded(runs).Intersect(ids).Count() == specs.Count, $"all {specs.Count} tasks run to success", TimeSpan.FromMinutes(5));
        var doneAt = DateTimeOffset.UtcNow;
        var statuses = await Task.WhenAll(specs.Select(s => client.Surge.GetStatusAsync(s.Id)));
        Assert.All(statuses, s => Assert.Equal(TaskState.Succeeded, s?.State));
        Assert.True(await orderedRun.TryWaitAsync(TimeSpan.FromMinutes(2)), "the ordered replay did not end");
        orderedRun.AssertSucceeded();
        var report = orderedRun.Report();
        output.WriteLine($"ordered replay: {report.GetProperty("completed")} completed, {report.GetProperty("rejected")} rejected, " +
            $"{report.GetProperty("ordering_violations")} ordering violations");

        var all = Read(runs, killedAt);
        var after = all.Where(r => r.Start >= readyAt).ToList();
        var (mine, theirs) = (after.Count(r => r.Pid == rejoined.Process.Pid), after.Count(r => r.Pid == survivor.Process.Pid));
        var firstMine = after.Where(r => r.Pid == rejoined.Process.Pid).Select(r => r.Start).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        var share = after.Count == 0 ? 0 : (double)mine / after.Count;
        var early = after.Where(r => r.Start < readyAt.AddSeconds(10)).ToList();
        output.WriteLine($"in its first 10 s: {early.Count(r => r.Pid == rejoined.Process.Pid)} of {early.Count} runs on the rejoined silo");
        output.WriteLine($"runs started after the rejoined silo was ready: {after.Count} (rejoined {mine}, survivor {theirs}: {share:P0} on the rejoined silo); " +
            $"its first {(firstMine == DateTimeOffset.MaxValue ? "never" : $"{(firstMine - readyAt).TotalSeconds:F1} s after it was ready")}; " +
            $"all succeeded {(doneAt - readyAt).TotalSeconds:F1} s after it was ready; {statuses.Count(s => s!.Attempts > 1)} tasks dispatched more than once");

        // How gently: each shard waits until the survivor has seen the rejoined silo active 5-25 s (by shard number).
        var waited = Regex.Matches(survivor.Process.Stdout, @"moves to \S+, where placement now puts it \(seen active for (\d+) s\)")
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        output.WriteLine($"{waited.Count} shards moved off the survivor, once it had seen the rejoined silo active for " +
            (waited.Count == 0 ? "-" : $"{waited.Min()}-{waited.Max()} s"));

        // Never two runs of a task at once, nor two events of an entity: a run the kill cut short ends at the kill.
        foreach (var runsOf in all.GroupBy(r => r.Task).Concat(all.Where(r => r.Entity is not null).GroupBy(r => r.Entity!)))
        {
            var ordered = runsOf.OrderBy(r => r.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
                Assert.True(ordered[i].Start >= ordered[i - 1].End, $"{runsOf.Key} ran twice at once: {ordered[i - 1]} and {ordered[i]}");
        }
        Assert.True(after.Count >= Tasks / 4, $"only {after.Count} runs started after the silo rejoined: the backlog ran out first, so this test shows nothing; raise Tasks");
        Assert.True(share >= 0.25, $"the rejoined silo ran {mine} of the {after.Count} runs that started after it was ready ({share:P0}); expected at least 25 %");
        Assert.True(firstMine - readyAt < TimeSpan.FromSeconds(30), $"the rejoined silo's first run started {(firstMine - readyAt).TotalSeconds:F1} s after it was ready");
        Assert.Equal((600, 0, 0), (report.GetProperty("completed").GetInt32(), report.GetProperty("rejected").GetInt32(), report.GetProperty("ordering_violations").GetInt32()));
    }

    private sealed record Run(string Task, string? Entity, int Pid, DateTimeOffset Start, DateTimeOffset End);

    // The tasks with a successful run in any silo's run log.
    private static HashSet<string> Succeeded(string directory)
        => [.. Lines(directory).Where(l => l.Line.TryGetProperty("outcome", out var o) && o.GetString() == "succeeded").Select(l => l.Line.GetProperty("task").GetString()!)];

    // Every run in the run logs (runs-<pid>.jsonl); one with no end was cut short by the kill.
    private static List<Run> Read(string directory, DateTimeOffset killedAt)
    {
        var open = new Dictionary<(string, int, int), Queue<(string? Entity, DateTimeOffset Start)>>();
        var runs = new List<Run>();
        foreach (var (pid, line) in Lines(directory))
        {
            var key = (line.GetProperty("task").GetString()!, line.GetProperty("attempt").GetInt32(), pid);
            if (line.TryGetProperty("start", out var start))
            {
                if (!open.TryGetValue(key, out var starts)) open[key] = starts = new();
                starts.Enqueue((line.TryGetProperty("entity", out var entity) ? entity.GetString() : null, DateTimeOffset.FromUnixTimeMilliseconds(start.GetInt64())));
            }
            else if (open.TryGetValue(key, out var starts) && starts.TryDequeue(out var began))
                runs.Add(new Run(key.Item1, began.Entity, pid, began.Start, DateTimeOffset.FromUnixTimeMilliseconds(line.GetProperty("end").GetInt64())));
        }
        foreach (var ((task, _, pid), starts) in open)
            runs.AddRange(starts.Select(began => new Run(task, began.Entity, pid, began.Start, killedAt)));
        return runs;
    }

    private static IEnumerable<(int Pid, JsonElement Line)> Lines(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "runs-*.jsonl"))
        {
            var pid = int.Parse(Path.GetFileNameWithoutExtension(file)["runs-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } text)
            {
                JsonElement line;
                try
                {
                    line = JsonDocument.Parse(text).RootElement;
                }
                catch (JsonException)
                {
                    continue; // a line cut short by the kill, or still being written
                }
                yield return (pid, line);
            }
        }
    }
}
