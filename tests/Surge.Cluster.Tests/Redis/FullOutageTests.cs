using System.Diagnostics;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// Every silo dies at once (a power cut: <c>kill -9</c> of all of them) while tasks run and wait, and new silos start
/// on new addresses: everything acknowledged still reaches a final state, and a call made meanwhile is acknowledged
/// once a silo is back within the client's retries. The dead silos stay listed active until someone declares them
/// dead, and a joining silo first checks that it can reach every active one.
/// </summary>
[Collection("redis-cluster")]
[Trait("Category", "Redis")]
public class FullOutageTests(ITestOutputHelper output)
{
    /// <summary>
    /// From the kills to a new silo ready: measured 24.9–26.9 s; 100.7 s with Orleans' 30 s between I-am-alive writes,
    /// while no gateway answered any call.
    /// </summary>
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KillNine_EverySilo_NewSiloJoinsAndFinishesEveryAcknowledgedTaskNothingRefused()
    {
        using var redis = await RedisServer.StartAsync();
        var silos = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => RedisSilo.StartAsync(redis)));
        try
        {
            await Task.WhenAll(silos.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(60))));
            var specs = Enumerable.Range(0, 40).Select(_ => TaskSpec.Create("simulate", """{"duration_ms":2000}""")).ToList();
            await using var client = await RedisClient.StartAsync(redis); // kept through the outage: its calls retry for 60 s
            await Task.WhenAll(specs.Select(spec => client.Surge.SubmitAsync(spec)));
            await Eventually.TrueAsync(async () => (await Task.WhenAll(specs.Select(s => client.Surge.GetStatusAsync(s.Id)))).Any(s => s is { State: TaskState.Running }),
                "a task running", TimeSpan.FromSeconds(30));
            foreach (var silo in silos) silo.Kill();

            var sinceKill = Stopwatch.StartNew();
            var late = TaskSpec.Create("simulate", """{"duration_ms":1}""");
            var lateSubmitted = client.Surge.SubmitAsync(late); // made with no silo alive: acknowledged once one is back
            using var replacement = await RedisSilo.StartAsync(redis);
            await replacement.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
            var ready = sinceKill.Elapsed;
            await lateSubmitted;
            specs.Add(late);
            var final = await Eventually.ValueAsync(() => Task.WhenAll(specs.Select(s => client.Surge.GetStatusAsync(s.Id))),
                all => all.All(s => s is { IsFinal: true }), "every acknowledged task final", TimeSpan.FromSeconds(120));
            output.WriteLine($"kill -9 of every silo -> a new silo ready: {ready.TotalSeconds:F1} s; every task final: {sinceKill.Elapsed.TotalSeconds:F1} s; " +
                $"attempts {string.Join(",", final.Select(s => s!.Attempts).Order())}");
            Assert.All(final, s => Assert.Equal(TaskState.Succeeded, s!.State));
            Assert.True(ready <= ReadyBound, $"a new silo was ready {ready.TotalSeconds:F1} s after every silo died; bound {ReadyBound.TotalSeconds} s");
        }
        finally
        {
            foreach (var silo in silos) silo.Dispose();
        }
    }
}
