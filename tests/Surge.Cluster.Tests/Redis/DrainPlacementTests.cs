using System.Diagnostics;
using System.Net;
using Surge.Cluster.Tests.Processes;
using Surge.Testing;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// A silo that drains (SIGTERM) is still listed active until Orleans stops it; shards placed there meanwhile would move
/// again seconds later, a second outage for each. So none is: not even when another silo dies meanwhile; and a silo
/// that joins meanwhile hears of the drain too.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class DrainPlacementTests(ITestOutputHelper output)
{
    // Long, with a task running on: the silo still drains when the killed silo's shards serve again.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task KillNine_WhileAnotherSiloDrains_NoneOfTheDeadSilosShardsActivateOnTheDrainingSilo()
    {
        using var redis = await RedisServer.StartAsync();
        using var draining = await RedisSilo.StartAsync(redis, $"--Surge:Drain:Timeout={DrainTimeout}");
        using var staying = await RedisSilo.StartAsync(redis, $"--Surge:Drain:Timeout={DrainTimeout}");
        using var doomed = await RedisSilo.StartAsync(redis, $"--Surge:Drain:Timeout={DrainTimeout}");
        RedisSilo[] silos = [draining, staying, doomed];
        await Task.WhenAll(silos.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))));
        // Each ask gives up after a second (FirstAnswerAsync asks again), so none keeps retrying behind the next.
        await using var client = await RedisClient.StartAsync(redis, "--Surge:Client:FailoverTimeout=00:00:01", "--Surge:Client:WaitSlice=00:00:01");
        var infos = await Eventually.ValueAsync(() => client.Surge.GetSilosAsync(), i => silos.All(s => i.Any(info => s.Is(info.Silo))), "all three silos answer");
        var keys = silos.Select(s => infos.Single(info => s.Is(info.Silo)).Silo).ToArray();
        var addresses = keys.Select(SiloAddress.FromParsableString).ToArray();
        var (onDraining, onStaying) = (Shards(client, keys[0]), Shards(client, keys[1]));
        await Task.WhenAll(ShardProbes.Ids().Select(id => client.Surge.GetStatusAsync(id))); // every shard active
        await Eventually.TrueAsync(async () => await onDraining() + await onStaying() + await Shards(client, keys[2])() == TaskShards.Count,
            "every task shard serving on one of the three silos");

        // A task whose shard, and so its run, is on the silo that will drain: its drain waits for it.
        var longId = Enumerable.Range(0, 1000).Select(n => $"long-{n}").First(id => addresses[0].Equals(ShardPlacement.Pick(TaskShards.For(id), addresses)));
        await client.Surge.SubmitAsync(TaskSpec.Create("simulate", """{"duration_ms":600000}""", id: longId));
        await Eventually.TrueAsync(async () => await client.Surge.GetStatusAsync(longId) is { State: TaskState.Running } s && draining.Is(s.Silo),
            "the long task running on the silo that will drain");

        Signals.Terminate(draining.Process.Pid);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{draining.HttpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () => (await Http.TryGetAsync(http, "/ready")) is (HttpStatusCode.ServiceUnavailable, var body) && body.Contains("draining"),
            "the silo to drain");
        var before = await onDraining();

        doomed.Kill();
        var sinceKill = Stopwatch.StartNew();
        await Task.WhenAll(ShardProbes.Ids().Select(id => ShardProbes.FirstAnswerAsync(client, id, sinceKill, TimeSpan.FromSeconds(90))));
        await Eventually.TrueAsync(async () => await onDraining() + await onStaying() == TaskShards.Count, "every task shard serving on the two silos left");
        var after = await onDraining();
        output.WriteLine($"every shard serving again {sinceKill.Elapsed.TotalSeconds:F1} s after the kill");

        // Rendezvous hashing over the two silos left would give the draining one about half of the dead one's shards.
        var dead = Enumerable.Range(0, TaskShards.Count).Where(s => addresses[2].Equals(ShardPlacement.Pick(s, addresses))).ToList();
        var hashedToDraining = dead.Count(s => addresses[0].Equals(ShardPlacement.Pick(s, addresses[..2])));
        output.WriteLine($"the killed silo held {dead.Count} shards; the hash over the two left gives the draining silo {hashedToDraining}; " +
            $"it held {before} before the kill and {after} after: {after - before} activated there while it drained");
        output.WriteLine($"the staying silo heard of the drain: {staying.Process.Stdout.Contains("drains and stops within", StringComparison.Ordinal)}");
        Assert.False(draining.Process.HasExited, "the silo stopped draining before the shards were counted: this test shows nothing");
        Assert.True(after - before == 0, $"{after - before} of the killed silo's {dead.Count} shards activated on the draining silo");

        // A silo that joins while the drain lasts (a scale-up during a rolling restart) was not there to hear the notice.
        using var joined = await RedisSilo.StartAsync(redis, $"--Surge:Drain:Timeout={DrainTimeout}");
        await joined.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(() => joined.Process.Stdout.Contains($"Silo {addresses[0]} drains and stops within", StringComparison.Ordinal),
            "the silo that joined during the drain hearing of it");
        Assert.False(draining.Process.HasExited, "the silo stopped draining before the joined silo heard: this shows nothing");
    }

    // Task shards active on a silo, as its summary counts them.
    private static Func<Task<int>> Shards(RedisClient client, string silo)
        => async () => (await client.Grains.GetGrain<IWorkerSiloGrain>(silo).GetSummaryAsync()).Shards;
}
