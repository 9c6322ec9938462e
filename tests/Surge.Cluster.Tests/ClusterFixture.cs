namespace Surge.Cluster.Tests;

/// <summary>One two-silo cluster on default routing, shared by the tests of the "cluster" collection.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public SurgeCluster Surge { get; private set; } = null!;

    public async Task InitializeAsync() => Surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        ["Surge:Workers:MaxConcurrency"] = "16",
        ["Surge:Entities:HoldLimit"] = "00:01:00",
        ["Surge:Autoscale:Enabled"] = "false", // tests here set pool limits and expect them to hold
    });

    public async Task DisposeAsync() => await Surge.DisposeAsync();
}

[CollectionDefinition("cluster")]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;
