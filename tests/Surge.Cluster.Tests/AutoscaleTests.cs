using Microsoft.Extensions.Time.Testing;
using Surge.Autoscale;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests;

public class AutoscaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Backlog_InRealSilos_PoolsTakeTheirSlotsAtOnceWithoutTheAutoscaler()
    {
        // On a fake clock that never moves: no report interval passes, so whatever runs, the silos started by themselves.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Workers:MaxConcurrency"] = "16" }, clock);
        GateHandler.Close();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => surge.Client.SubmitAsync(TaskSpec.Create(GateHandler.TypeName))));

            // "gate" routes to the long pool: it takes every slot of its silo but the short reserve (1 of 16).
            var pools = await Eventually.ValueAsync(async () => (await surge.Client.GetPoolsAsync()).Where(p => p.Pool == PoolKind.Long).ToArray(),
                longs => longs.Sum(p => p.Running + p.Queued) == 40 && longs.All(p => p.Running == Math.Min(15, p.Running + p.Queued)),
                "every long pool to run all its work up to 15 of its silo's 16 slots");
            output.WriteLine(string.Join("; ", pools.Select(p => $"{p.Silo}: {p.Running} running, {p.Queued} queued, limit {p.Limit}, sized by silo {p.SizedBySilo}")));
            Assert.All(pools, p => Assert.True(p.SizedBySilo));
            Assert.DoesNotContain(await surge.Client.GetAutoscaleHistoryAsync(100), d => d.Kind == AutoscaleKind.Concurrency);
        }
        finally
        {
            GateHandler.Open();
        }
    }
}
