using Surge.Client;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// Tests against a TestingHost cluster (autoscaler off) whose silos share one <see cref="FaultyTaskStore"/>: a test
/// fails, stalls or cuts <see cref="Store"/> and watches what <see cref="Client"/> is told.
/// </summary>
public abstract class FaultyStoreTests : IAsyncLifetime
{
    private readonly Dictionary<string, string> _settings = new() { ["Surge:Autoscale:Enabled"] = "false" };
    private SurgeCluster _surge = null!;

    internal FaultyTaskStore Store { get; private set; } = null!;

    protected ISurgeClient Client => _surge.Client;

    /// <summary>The cluster's settings: a test class adds its own in its constructor, before the cluster starts.</summary>
    protected IDictionary<string, string> Settings => _settings;

    /// <summary>The cluster's grains, for a call without the client's retries.</summary>
    protected IGrainFactory Grains => _surge.Cluster.Client;

    public async Task InitializeAsync()
    {
        Store = FaultyTaskStore.Install(_settings);
        _surge = await SurgeCluster.StartAsync(_settings, b => b.AddSiloBuilderConfigurator<FaultyTaskStore.SiloConfigurator>());
    }

    // Another task id of the same shard.
    protected static string SameShard(int shard, string not)
        => Enumerable.Range(0, 100_000).Select(i => $"other-{i}").First(id => id != not && TaskShards.For(id) == shard);

    public async Task DisposeAsync()
    {
        Store.Heal(); // a stalled or cut call would hold the silos' shutdown
        await _surge.DisposeAsync();
        Store.Dispose();
    }
}
