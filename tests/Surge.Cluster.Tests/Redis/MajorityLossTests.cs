using System.Diagnostics;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// Two of three silos die at once and nothing replaces them: the survivor alone must declare both dead and serve
/// every shard. Orleans asks for the votes of half the silos it counts as active, and stops counting a silo only once
/// it has missed its I-am-alive writes for a while, so that while is what the survivor waits for. Before Surge set
/// that write's period (<c>Surge:Membership:IAmAlivePeriod</c>), it was Orleans' 30 s: 95 s to all shards serving, and
/// a submission made at the kills was refused after the client's 60 s.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class MajorityLossTests(ITestOutputHelper output)
{
    /// <summary>From the kills to every shard answering on the survivor (measured 20–23 s), well within a client's retries.</summary>
    private static readonly TimeSpan ShardsServingBound = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task KillNine_TwoOfThreeAtOnce_SubmissionNotRefusedAndEveryShardServesWithin40s()
    {
        using var redis = await RedisServer.StartAsync();
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RedisSilo.StartAsync(redis)));
        try
        {
            await Task.WhenAll(silos.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))));
            await using var probe = await RedisClient.StartAsync(redis, "--Surge:Client:FailoverTimeout=00:00:01", "--Surge:Client:WaitSlice=00:00:01");
            var probes = ShardProbes.Ids();
            await Task.WhenAll(probes.Select(id => probe.Surge.GetStatusAsync(id))); // every shard active before the kills

            await using var client = await RedisClient.StartAsync(redis); // the client's defaults: it retries for 60 s
            silos[0].Kill();
            silos[1].Kill();
            var sinceKill = Stopwatch.StartNew();
            // One submission to every shard, made at the kills: the dead silos' shards' ones are ridden out, not refused.
            var specs = ShardProbes.Ids($"at-kill-{Guid.NewGuid():N}").Select(id => TaskSpec.Create("simulate", """{"duration_ms":1}""") with { Id = id }).ToList();
            var submitted = Task.WhenAll(specs.Select(spec => client.Surge.SubmitAsync(spec)));
            var serving = (await Task.WhenAll(probes.Select(id => ShardProbes.FirstAnswerAsync(probe, id, sinceKill, TimeSpan.FromSeconds(150))))).Max();
            output.WriteLine($"kill -9 of two of three silos -> all {probes.Length} shards serving on the survivor: {serving.TotalSeconds:F1} s");

            await submitted;
            await Eventually.TrueAsync(async () => (await Task.WhenAll(specs.Select(spec => client.Surge.GetStatusAsync(spec.Id)))).All(s => s is { State: TaskState.Succeeded }),
                "every task submitted at the kills succeeded", TimeSpan.FromSeconds(30));
            Assert.True(serving <= ShardsServingBound, $"the survivor served every shard {serving.TotalSeconds:F1} s after the kills; bound {ShardsServingBound.TotalSeconds} s");
        }
        finally
        {
            foreach (var silo in silos) silo.Dispose();
        }
    }
}
