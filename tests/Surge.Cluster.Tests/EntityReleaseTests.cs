using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Tasks;

namespace Surge.Cluster.Tests;

/// <summary>
/// Entity events released by their entity's own calls, with the shards' upkeep (which hands held events over again)
/// out of reach: an event whose release got lost would wait for it, and the test would time out.
/// </summary>
public class EntityReleaseTests : IAsyncLifetime
{
    private SurgeCluster _surge = null!;

    public async Task InitializeAsync()
        => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" },
            b => b.AddSiloBuilderConfigurator<NoUpkeep>());

    public async Task DisposeAsync() => await _surge.DisposeAsync();

    // Started and finished of each build submitted at once, zero durations: a finished is often held while its started
    // runs, and released while its own record is still being stored (the release may even overtake the entity's
    // "held" answer). Issue 15: the shard answered such a release "unknown", and the event waited for the upkeep.
    [Fact]
    public async Task Release_WhileTheHeldEventIsBeingStored_RunsItWithoutTheUpkeep()
    {
        const int builds = 1500;
        var run = Guid.NewGuid().ToString("N")[..8];
        var pairs = await Task.WhenAll(Enumerable.Range(0, builds).Select(async i =>
        {
            var entity = $"build/{run}/{i}";
            var started = _surge.Client.RunAsync(Simulated.Task($"{run}-{i}-s", 0).ForEntity(entity, "build.started"));
            var finished = _surge.Client.RunAsync(Simulated.Task($"{run}-{i}-f", 0).ForEntity(entity, "build.finished", after: "build.started"));
            return (Started: await started, Finished: await finished);
        })).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.All(pairs, p =>
        {
            Assert.Equal(TaskState.Succeeded, p.Started.State);
            Assert.Equal(TaskState.Succeeded, p.Finished.State);
            Assert.True(p.Finished.StartedAt >= p.Started.FinishedAt, $"{p.Finished.Entity}: finished started before started finished");
        });
    }

    private sealed class NoUpkeep : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.Services.AddSingleton(new RecoveryOptions { UpkeepPeriod = TimeSpan.FromHours(1) });
    }
}
