using System.Diagnostics;
using Surge.Client;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>Graceful stops and Redis trouble in cluster mode, with real processes.</summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class DrainAndOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Sigterm_UnderLoad_ExitsWithinDrainTimeoutAndLosesNothing()
    {
        using var redis = await RedisServer.StartAsync();
        using var stopping = await RedisSilo.StartAsync(redis, $"--Surge:Drain:Timeout={DrainTimeout}");
        using var staying = await RedisSilo.StartAsync(redis, $"--Surge:Drain:Timeout={DrainTimeout}");
        var mixed = Workload.Generate("mixed", "--n", "1000");
        using var replay = Workload.StartReplay(redis, mixed);
        await Task.Delay(TimeSpan.FromSeconds(7)); // the scenario: the stop lands 7 s into the replay
        Assert.False(replay.Process.HasExited, "the stop must land while the replay runs");

        var exitedAfter = await stopping.TerminateAsync(DrainTimeout);
        output.WriteLine($"SIGTERM to exit: {exitedAfter.TotalSeconds:F1} s (drain timeout {DrainTimeout.TotalSeconds:F0} s)");
        output.WriteLine(string.Join('\n', stopping.Process.Stdout.Split('\n').Where(l => l.Contains("Drain"))));
        Assert.True(stopping.Process.HasExited);
        Assert.Equal(0, stopping.Process.ExitCode);
        Assert.True(exitedAfter <= DrainTimeout + TimeSpan.FromSeconds(1), $"exited after {exitedAfter}, drain timeout {DrainTimeout}");

        Assert.True(await replay.TryWaitAsync(TimeSpan.FromSeconds(120)), "the replay did not finish");
        replay.AssertSucceeded();
        var report = replay.Report();
        output.WriteLine(report.ToString());
        Assert.Equal(1000, report.GetProperty("completed").GetInt32());
        Assert.Equal(0, report.GetProperty("rejected").GetInt32());
    }

    // Orleans tries each of its last membership writes for up to a minute: a silo whose leaving met a Redis that held
    // its writes ran on about two minutes after SIGTERM, still listed active while its grains went. It now ends itself
    // (StopDeadline) once its stop outlasts the timeout by the margin.
    [Fact]
    public async Task Sigterm_WhileRedisHoldsWrites_ProcessEndsSoonAfterTheStopTimeout()
    {
        var stopTimeout = TimeSpan.FromSeconds(6);
        using var redis = await RedisServer.StartAsync();
        using var silo = await RedisSilo.StartAsync(redis, $"--Surge:Drain:Timeout={stopTimeout}");
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)); // active in the cluster: its stop is a leaving
        await redis.PauseWritesAsync(TimeSpan.FromMinutes(3));
        try
        {
            var deadline = stopTimeout + Surge.Hosting.StopDeadline.Margin;
            var exitedAfter = await silo.TerminateAsync(deadline).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : (TimeSpan?)null);
            Assert.True(exitedAfter is not null, $"still running {(deadline + TimeSpan.FromSeconds(30)).TotalSeconds:F0} s after SIGTERM"); // TerminateAsync's wait
            output.WriteLine($"SIGTERM to exit: {exitedAfter.Value.TotalSeconds:F1} s (stop timeout {stopTimeout.TotalSeconds:F0} s); exit code {silo.Process.ExitCode}");
            Assert.True(exitedAfter <= deadline + TimeSpan.FromSeconds(5), $"exited {exitedAfter.Value.TotalSeconds:F1} s after SIGTERM; its stop may take {deadline.TotalSeconds:F0} s");
        }
        finally
        {
            await redis.UnpauseAsync();
        }
    }

    [Fact]
    public async Task RedisStopped5s_UnderLoad_SubmissionsFailRetryableAndAcceptedAllFinish()
    {
        using var redis = await RedisServer.StartAsync();
        using var silo = await RedisSilo.StartAsync(redis);
        // Few, quick retries, so the outage is visible to the caller rather than ridden out.
        await using var client = await RedisClient.StartAsync(redis, "--Surge:Client:MaxRetries=1", "--Surge:Client:RetryDelay=00:00:00.100");
        var accepted = new List<string>();
        var refused = new List<(SurgeUnavailableException Error, TimeSpan Took)>();
        var clock = Stopwatch.StartNew();
        var outage = Task.Run(async () => // the scenario: Redis down from 3 s to 8 s while a client submits steadily
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            await redis.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(5));
            await redis.StartAgainAsync();
        });

        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(12); i++)
        {
            var spec = TaskSpec.Create("simulate", """{"duration_ms":100}""", id: $"outage-{i}");
            var call = Stopwatch.StartNew();
            try
            {
                await client.Surge.SubmitAsync(spec);
                accepted.Add(spec.Id);
            }
            catch (SurgeUnavailableException e)
            {
                refused.Add((e, call.Elapsed));
            }
            await Task.Delay(20); // the scenario: a steady stream of submissions, not a burst
        }
        await outage;
        output.WriteLine($"{accepted.Count} accepted, {refused.Count} refused; slowest refusal {refused.Select(r => r.Took.TotalMilliseconds).DefaultIfEmpty().Max():F0} ms");

        Assert.NotEmpty(refused);
        Assert.All(refused, r =>
        {
            Assert.IsType<SurgeStoreUnavailableException>(r.Error.InnerException);
            Assert.Contains("Safe to retry", r.Error.Message);
            Assert.True(r.Took < TimeSpan.FromSeconds(3), $"a refusal took {r.Took}: not fast");
        });
        foreach (var id in accepted)
        {
            var final = await client.Surge.WaitAsync(id, TimeSpan.FromSeconds(60));
            Assert.Equal(TaskState.Succeeded, final.State);
        }
    }
}
