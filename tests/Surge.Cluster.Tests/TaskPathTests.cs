namespace Surge.Cluster.Tests;

[Collection("cluster")]
public class TaskPathTests(ClusterFixture fixture)
{
    // The path docs/architecture.md draws: client → task shard grain → classifier grain → pool grain → handler. Stateless workers are
    // activated where they are called, so every silo that ran tasks has its own classifier and pool activations.
    [Fact]
    public async Task Run_Tasks_GoThroughClassifierAndPoolGrainsOnTheirShardsSilos()
    {
        var ids = Enumerable.Range(0, 64).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        var finals = await Task.WhenAll(ids.Select(id => fixture.Surge.Client.RunAsync(TaskSpec.Create(CountingHandler.TypeName, id: id))));
        Assert.All(finals, f => Assert.Equal(TaskState.Succeeded, f.State));
        Assert.All(finals, f => Assert.NotNull(f.Pool)); // learnt from the pool that ran it

        var stats = await fixture.Surge.Cluster.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var silosOf = (string type) => stats.Where(s => s.GrainType.Contains(type, StringComparison.Ordinal) && s.ActivationCount > 0)
            .Select(s => s.SiloAddress).Distinct().Count();
        Assert.Equal(fixture.Surge.Cluster.Silos.Count, silosOf("ClassifierGrain"));
        Assert.Equal(fixture.Surge.Cluster.Silos.Count, silosOf("PoolGrain"));
    }
}
