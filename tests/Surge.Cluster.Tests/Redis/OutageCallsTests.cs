using Surge.Client;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// docs/cluster.md: while Redis is unreachable a call is "refused with SurgeUnavailableException; nothing changed, safe
/// to retry". Submissions had their test (<see cref="DrainAndOutageTests"/>); these are the calls beside them, each
/// reaching a grain that reads Redis. A schedule's grain reads its state as the call activates it, and that failed
/// raw: the client heard Orleans' "Error from storage provider" (an OrleansException), not a retryable refusal.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class OutageCallsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RedisStopped_CallsBesideSubmit_RefusedAsRetryableThenServedOnceBack()
    {
        using var redis = await RedisServer.StartAsync();
        using var silo = await RedisSilo.StartAsync(redis);
        // No retries: one try each, so the refusal comes at once.
        await using var client = await RedisClient.StartAsync(redis, "--Surge:Client:MaxRetries=0");
        await client.Surge.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":1}"""), TimeSpan.FromSeconds(30)); // the cluster serves
        var schedule = ScheduleSpec.Create($"outage-{Guid.NewGuid():N}", "*/5 * * * *", "simulate");
        await redis.StopAsync();

        var calls = new (string Name, Func<Task> Call)[]
        {
            ("schedule", () => client.Surge.ScheduleAsync(schedule)), // activates the schedule's grain: its state is read
            ("schedules", () => client.Surge.GetSchedulesAsync()),     // activates the schedules' index
            ("status", () => client.Surge.GetStatusAsync($"never-{Guid.NewGuid():N}")),
            ("cancel", () => client.Surge.CancelAsync($"never-{Guid.NewGuid():N}")),
            ("dead letters", () => client.Surge.GetDeadLettersAsync()),
        };
        var raw = new List<string>();
        foreach (var (name, call) in calls)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var error = await Record.ExceptionAsync(call);
            output.WriteLine($"{name} ({clock.Elapsed.TotalMilliseconds:F0} ms): {error?.GetType().Name}: {error?.InnerException?.GetType().Name}: {error?.Message}");
            if (error is not null and not SurgeUnavailableException { InnerException: SurgeStoreUnavailableException })
                raw.Add($"{name}: {error.GetType().Name}: {error.Message}");
        }
        await redis.StartAgainAsync();
        Assert.Empty(raw);

        // Nothing was left broken by the refused activation: the same schedule is stored once Redis is back.
        await Eventually.TrueAsync(async () => (await Record.ExceptionAsync(() => client.Surge.ScheduleAsync(schedule))) is null,
            "the schedule stored once Redis is back");
        Assert.Contains(await client.Surge.GetSchedulesAsync(), s => s.Spec.Name == schedule.Name);
    }
}
