using System.Diagnostics;
using Surge.Flows;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// A wave nobody watches goes on after <c>kill -9</c> of a silo: the entities whose grains died with it are woken on
/// the survivor once the dead silo is declared dead, not at the wave's next one-minute reminder. Only task statuses are
/// read while it runs, since a look at the wave itself would wake it.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class WaveResumeTests(ITestOutputHelper output)
{
    /// <summary>From the kill to every entity's last step succeeded: the death declared (about 10–15 s), then a sweep.</summary>
    private static readonly TimeSpan ResumeBound = TimeSpan.FromSeconds(40);

    private const int Entities = 60;
    private static readonly string[] Steps = ["s1", "s2", "s3", "s4", "s5", "s6"];

    [Fact]
    public async Task KillNine_UnwatchedWave_EveryEntityFinishesWithin40s()
    {
        using var redis = await RedisServer.StartAsync();
        using var doomed = await RedisSilo.StartAsync(redis);
        using var survivor = await RedisSilo.StartAsync(redis);
        await Task.WhenAll(doomed.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)), survivor.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));
        await using var client = await RedisClient.StartAsync(redis);
        var flow = new FlowBuilder("resume");
        string? previous = null;
        foreach (var step in Steps)
        {
            flow.Task(step, "simulate", "v1", output: $"p-{step}", inputs: previous is null ? [] : [previous], payload: """{"duration_ms": 400}""");
            previous = $"p-{step}";
        }
        await client.Flows.RegisterAsync(flow.Build());
        var entities = Enumerable.Range(0, Entities).Select(i => $"e{i}").ToArray();
        await client.Flows.AddToStateAsync("resume-state", entities);

        var wave = (await client.Flows.StartWaveAsync(new WaveRequest("resume", "resume-state", "2026-11-30"))).Wave;
        string Step(string entity, string step) => $"wave:{wave}:{entity}:{step}@v1";
        async Task<int> SucceededAsync(string step)
            => (await Task.WhenAll(entities.Select(e => client.Surge.GetStatusAsync(Step(e, step))))).Count(s => s is { State: TaskState.Succeeded });
        await Eventually.TrueAsync(async () => await SucceededAsync("s2") >= Entities / 2, "half the entities past their second step", TimeSpan.FromSeconds(60));
        Assert.True(await SucceededAsync(Steps[^1]) == 0, "the kill must land while every entity still has steps to run");
        doomed.Kill();
        var sinceKill = Stopwatch.StartNew();

        await Eventually.TrueAsync(async () => await SucceededAsync(Steps[^1]) == Entities, "every entity's last step succeeded", TimeSpan.FromSeconds(150));
        var resumed = sinceKill.Elapsed;
        output.WriteLine($"kill -9 -> every entity's last step succeeded: {resumed.TotalSeconds:F1} s");

        var done = await client.Flows.WaitWaveAsync(wave, TimeSpan.FromSeconds(30));
        Assert.True(done.IsDone, $"the wave is not done: {string.Join("; ", done.Tasks)}");
        Assert.Equal((Entities * Steps.Length, 0, 0), (done.Finished, done.Degraded, done.Failed));
        Assert.True(resumed <= ResumeBound, $"the wave's entities finished {resumed.TotalSeconds:F1} s after the kill; bound {ResumeBound.TotalSeconds} s");
    }
}
