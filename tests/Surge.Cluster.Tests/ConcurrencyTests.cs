namespace Surge.Cluster.Tests;

[Collection("cluster")]
public class ConcurrencyTests(ClusterFixture fixture)
{
    private readonly Surge.Client.ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task SetConcurrency_AtRunTime_LimitsThenReleasesRunningTasksOnEverySilo()
    {
        GateHandler.Close();
        var silos = (await _client.GetPoolsAsync()).Select(p => p.Silo).Distinct().ToArray();
        Assert.Equal(2, silos.Length);
        foreach (var silo in silos) Assert.Equal(2, await _client.SetConcurrencyAsync(silo, PoolKind.Long, 2));
        try
        {
            // "gate" is unknown to the predictor, so it plays safe and routes to the long pool.
            var ids = new List<string>();
            for (var i = 0; i < 12; i++) ids.Add((await _client.SubmitAsync(TaskSpec.Create(GateHandler.TypeName))).Id);

            var limited = await SettleAsync(expectedLimit: 2, tasks: ids.Count);
            Assert.All(limited, p => Assert.True(p.Running <= 2, $"{p.Silo} runs {p.Running} with limit 2"));

            foreach (var silo in silos) Assert.Equal(6, await _client.SetConcurrencyAsync(silo, PoolKind.Long, 6));
            var raised = await SettleAsync(expectedLimit: 6, tasks: ids.Count);
            Assert.True(raised.Sum(p => p.Running) > limited.Sum(p => p.Running), "raising the limit started no more tasks");

            GateHandler.Open();
            await Task.WhenAll(ids.Select(id => _client.WaitAsync(id, TimeSpan.FromSeconds(30))));
        }
        finally
        {
            GateHandler.Open();
            foreach (var silo in silos) await _client.SetConcurrencyAsync(silo, PoolKind.Long, 14);
        }
    }

    // The key is the silo the grain is placed on: one that is no silo address failed in placement, logged on the silo
    // as an error, and reached the caller as a FormatException. A pool the silo does not run was an ArgumentException.
    [Fact]
    public async Task SetConcurrency_NoSuchSiloOrPool_RefusedNamingTheField()
    {
        Assert.Equal("silo", (await Assert.ThrowsAsync<SurgeValidationException>(() => _client.SetConcurrencyAsync("nosuch", PoolKind.Long, 3))).Field);
        var silo = (await _client.GetPoolsAsync()).First().Silo;
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => _client.SetConcurrencyAsync(silo, PoolKind.Single, 3));
        Assert.Equal("pool", e.Field);
        Assert.Contains("its pools: short, long", e.Message);
    }

    // Waits until every task has reached a long pool and every pool runs as many as its limit allows: a pool whose
    // tasks are still on their way looks settled with fewer.
    private Task<PoolStats[]> SettleAsync(int expectedLimit, int tasks)
        => Eventually.ValueAsync(async () => (await _client.GetPoolsAsync()).Where(p => p.Pool == PoolKind.Long).ToArray(),
            pools => pools.Sum(p => p.Running + p.Queued) == tasks
                     && pools.All(p => p.Limit == expectedLimit && p.Running == Math.Min(expectedLimit, p.Running + p.Queued)),
            $"all {tasks} tasks in the long pools, each running as many as its limit {expectedLimit} allows", TimeSpan.FromSeconds(10));
}
