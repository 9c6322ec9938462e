using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>A schedule outlives its silo: after a restart, or <c>kill -9</c>, it fires again within seconds though nobody calls it.</summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class ScheduleRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Schedule_SiloRestarted_FiresAgainWithoutAnyCall()
    {
        using var redis = await RedisServer.StartAsync();
        var runs = Directory.CreateTempSubdirectory("surge-runs-").FullName;
        var name = $"tick-{Guid.NewGuid():N}";
        using (var first = await RedisSilo.StartAsync(redis, $"--Surge:Workers:RunLog={runs}"))
        {
            await using (var client = await RedisClient.StartAsync(redis))
                await client.Surge.ScheduleAsync(ScheduleSpec.Create(name, "* * * * * *", "simulate", """{"duration_ms":1}"""));
            await Eventually.TrueAsync(() => Runs(runs, name).Any(), "the every-second schedule's first run", TimeSpan.FromSeconds(30));
            await first.TerminateAsync(TimeSpan.FromSeconds(30)); // a deploy: SIGTERM, drained
        }
        var restarted = DateTimeOffset.UtcNow;

        using var second = await RedisSilo.StartAsync(redis, $"--Surge:Workers:RunLog={runs}");
        // No client, no call to the schedule: the new silo's keeper wakes it as the silo starts (and every 10 s after);
        // before the keeper, only its stored reminder did, within a minute (63 s in this test).
        var woken = await Eventually.ValueAsync(() => Task.FromResult(Runs(runs, name).Where(start => start > restarted).ToList()), r => r.Count > 0,
            "a run of the schedule after the restart", TimeSpan.FromMinutes(3));
        var after = woken.Min() - restarted;
        output.WriteLine($"first run {after.TotalSeconds:F1} s after the restart began");
        Assert.True(after < TimeSpan.FromSeconds(15), $"the schedule ran again {after.TotalSeconds:F1} s after the restart began; the new silo's keeper wakes it as it starts");
    }

    [Fact]
    public async Task Schedule_HostingSiloKilled_FiresAgainOnTheSurvivorWithin40s()
    {
        using var redis = await RedisServer.StartAsync();
        var runs = Directory.CreateTempSubdirectory("surge-runs-").FullName;
        var name = $"tick-{Guid.NewGuid():N}";
        using var doomed = await RedisSilo.StartAsync(redis, $"--Surge:Workers:RunLog={runs}");
        await using (var client = await RedisClient.StartAsync(redis))
            await client.Surge.ScheduleAsync(ScheduleSpec.Create(name, "* * * * * *", "simulate", """{"duration_ms":1}"""));
        await Eventually.TrueAsync(() => Runs(runs, name).Any(), "the every-second schedule's first run", TimeSpan.FromSeconds(30));
        // Joined after the schedule and its list were activated on the first silo, so the kill takes both.
        using var survivor = await RedisSilo.StartAsync(redis, $"--Surge:Workers:RunLog={runs}");
        await survivor.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        doomed.Kill();
        var killed = DateTimeOffset.UtcNow;

        // A run of an instant after the kill: one submitted before it, recovered on the survivor, does not count.
        var resumed = await Eventually.ValueAsync(() => Task.FromResult(Instants(runs, name).Where(r => r.Instant > killed.AddSeconds(1)).ToList()),
            r => r.Count > 0, "a run of an instant after the kill", TimeSpan.FromMinutes(3));
        var after = resumed.Min(r => r.Start) - killed;
        output.WriteLine($"first run of a later instant {after.TotalSeconds:F1} s after the kill");
        Assert.True(after < TimeSpan.FromSeconds(40), $"the schedule ran again {after.TotalSeconds:F1} s after its silo's kill; the survivor's keeper wakes it once the death is declared");
    }

    // The cron instant (from the task id, schedule:NAME:yyyyMMddTHHmmssZ) and start of each run of the schedule.
    private static List<(DateTimeOffset Instant, DateTimeOffset Start)> Instants(string directory, string schedule)
        => [.. RunsOf(directory, schedule)
            .Select(r => (Id: r.Task[$"schedule:{schedule}:".Length..], r.Start))
            .Where(r => !r.Id.StartsWith("manual:", StringComparison.Ordinal))
            .Select(r => (DateTimeOffset.ParseExact(r.Id, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), r.Start))];

    private static List<DateTimeOffset> Runs(string directory, string schedule) => [.. RunsOf(directory, schedule).Select(r => r.Start)];

    // Each run of the schedule's tasks, from every silo's run log.
    private static List<(string Task, DateTimeOffset Start)> RunsOf(string directory, string schedule)
    {
        var prefix = $"schedule:{schedule}:";
        var starts = new List<(string, DateTimeOffset)>();
        foreach (var file in Directory.EnumerateFiles(directory, "runs-*.jsonl"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || !line.EndsWith('}')) continue; // a line still being written
                var run = JsonDocument.Parse(line).RootElement;
                var task = run.GetProperty("task").GetString()!;
                if (task.StartsWith(prefix, StringComparison.Ordinal) && run.TryGetProperty("start", out var start))
                    starts.Add((task, DateTimeOffset.FromUnixTimeMilliseconds(start.GetInt64())));
            }
        }
        return starts;
    }
}
