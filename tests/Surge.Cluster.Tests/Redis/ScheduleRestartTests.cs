using System.Text.Json;

namespace Surge.Cluster.Tests.Redis;

/// <summary>A schedule outlives its silo: after a restart it fires again though nobody calls it (its reminder wakes it).</summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class ScheduleRestartTests
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
        // No client, no call to the schedule: only its stored reminder can wake it on this new silo (within a minute).
        await Eventually.TrueAsync(() => Runs(runs, name).Any(start => start > restarted),
            "a run of the schedule after the restart", TimeSpan.FromMinutes(3));
    }

    // When each run of the schedule's tasks started, from every silo's run log.
    private static List<DateTimeOffset> Runs(string directory, string schedule)
    {
        var prefix = $"schedule:{schedule}:";
        var starts = new List<DateTimeOffset>();
        foreach (var file in Directory.EnumerateFiles(directory, "runs-*.jsonl"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || !line.EndsWith('}')) continue; // a line still being written
                var run = JsonDocument.Parse(line).RootElement;
                if (run.GetProperty("task").GetString()!.StartsWith(prefix, StringComparison.Ordinal) && run.TryGetProperty("start", out var start))
                    starts.Add(DateTimeOffset.FromUnixTimeMilliseconds(start.GetInt64()));
            }
        }
        return starts;
    }
}
