using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Surge.Flows;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>A wave in cluster mode survives <c>kill -9</c> of a silo: real Redis, silo processes and program tasks.</summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class WaveCrashTests(ITestOutputHelper output)
{
    // Each step is a program whose output is its stdin (the step, its inputs, its payload) and its own pid: a step run
    // again after the crash would output something else, so what its readers saw shows whether a pipe changed.
    private static readonly string[] Stamp = ["--Surge:Programs:stamp:Executable=/bin/sh", "--Surge:Programs:stamp:Arguments:0=-c",
        "--Surge:Programs:stamp:Arguments:1=cat; echo \" $$\""];

    private static readonly string[] Branches = ["b1", "b2", "b3", "b4"];

    [Fact]
    public async Task KillNine_DuringWave_EveryEntityFinishesAndReadersSawTheRecordedOutputs()
    {
        using var redis = await RedisServer.StartAsync();
        using var doomed = await RedisSilo.StartAsync(redis, Stamp);
        using var survivor = await RedisSilo.StartAsync(redis, Stamp);
        await using var client = await RedisClient.StartAsync(redis);
        var builder = new FlowBuilder("crash").Task("load", "stamp", "v1", output: "raw");
        foreach (var b in Branches) builder.Task(b, "stamp", "v1", output: b, inputs: ["raw"]);
        await client.Flows.RegisterAsync(builder.Task("join", "stamp", "v1", output: "joined", inputs: Branches).Build());
        var entities = Enumerable.Range(0, 150).Select(i => $"k{i}").ToArray();
        await client.Flows.AddToStateAsync("crash-state", entities);

        var clock = Stopwatch.StartNew();
        var wave = (await client.Flows.StartWaveAsync(new WaveRequest("crash", "crash-state", "2026-11-29"))).Wave;
        await Eventually.TrueAsync(async () => (await client.Flows.GetWaveAsync(wave))!.Finished >= 150, "a sixth of the steps finished", TimeSpan.FromSeconds(60));
        var before = (await client.Flows.GetWaveAsync(wave))!;
        Assert.False(before.IsDone, "the kill must land while the wave runs");
        doomed.Kill();
        output.WriteLine($"killed at {clock.Elapsed.TotalSeconds:F1} s with {before.Finished} of {before.Steps} steps finished");

        var done = await client.Flows.WaitWaveAsync(wave, TimeSpan.FromSeconds(150));
        output.WriteLine($"done: {done.IsDone} at {clock.Elapsed.TotalSeconds:F1} s; {string.Join("; ", done.Tasks)}");
        Assert.True(done.IsDone, $"the wave stalled: {string.Join("; ", done.Tasks)}");
        Assert.Equal((150 * 6, 0, 0), (done.Finished, done.Degraded, done.Failed));

        var reruns = 0;
        foreach (var entity in entities)
        {
            var results = new Dictionary<string, string>();
            foreach (var task in Branches.Prepend("load").Append("join"))
            {
                var status = await client.Surge.GetStatusAsync($"wave:{wave}:{entity}:{task}@v1");
                Assert.Equal(TaskState.Succeeded, status!.State);
                results[task] = Encoding.UTF8.GetString(status.Result.Span);
                if (status.Attempts > 1 || status.Recoveries > 0) reruns++;
            }
            // What each reader got on stdin is the recorded result of the step it read: no pipe changed under it.
            foreach (var b in Branches) Assert.Equal(results["load"], InputOf(results[b], "raw"));
            foreach (var b in Branches) Assert.Equal(results[b], InputOf(results["join"], b));
        }
        output.WriteLine($"{reruns} steps ran again after the crash, each with one recorded output");
    }

    // A stamp's output is its stdin JSON and " pid"; inputs that are not JSON (other stamps') arrive as strings.
    private static string InputOf(string stampOutput, string pipe)
    {
        using var stdin = JsonDocument.Parse(stampOutput[..(stampOutput.LastIndexOf('}') + 1)]);
        return stdin.RootElement.GetProperty("inputs").GetProperty(pipe).GetString()!;
    }
}
