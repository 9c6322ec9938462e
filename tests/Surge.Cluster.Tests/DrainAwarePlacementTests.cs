using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Entities;
using Surge.Flows;
using Surge.Policies;
using Surge.Tasks;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests;

/// <summary>
/// A silo that drains is listed active until Orleans stops it; a stateful grain activated there meanwhile moves again
/// seconds later. The grains Orleans places (not the shards, which Surge places) leave it out too; and a shard addressed
/// there all the same serves elsewhere.
/// </summary>
public class DrainAwarePlacementTests(ITestOutputHelper output)
{
    private const int PerType = 300;

    [Fact]
    public async Task GrainsOrleansPlaces_OneSiloHeardDraining_NoneActivateOnIt()
    {
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" }, b =>
        {
            b.Options.InitialSilosCount = 3;
            // As in production: otherwise a test cluster offers every active silo and skips placement filters.
            b.Options.AssumeHomogenousSilosForTesting = false;
        });
        var silos = surge.Cluster.Silos.Cast<InProcessSiloHandle>().ToArray();
        await Eventually.TrueAsync(() => silos.All(s => s.SiloHost.Services.GetRequiredService<IClusterManifestProvider>().Current.Silos.Count == silos.Length),
            "every silo knowing the grains of all three (placement offers only those)");
        var drainer = silos[^1].SiloAddress;
        foreach (var silo in silos) silo.SiloHost.Services.GetRequiredService<DrainingSilos>().Heard(drainer, TimeSpan.FromMinutes(10));

        // Fresh grains of two types, each activated from every silo in turn (a wave on any silo starts its entities).
        var grains = new List<(string Type, GrainId Id, Task Call)>();
        for (var i = 0; i < PerType; i++)
        {
            var factory = silos[i % silos.Length].SiloHost.Services.GetRequiredService<IGrainFactory>();
            var entity = factory.GetGrain<IWaveEntityGrain>(WaveKeys.Entity("drain-default", $"e{i}"));
            var cache = factory.GetGrain<IResultCacheGrain>($"drain-default-{i}");
            grains.Add(("wave entity", entity.GetGrainId(), entity.GetAsync()));
            grains.Add(("result cache", cache.GetGrainId(), cache.GetAsync()));
        }
        await Task.WhenAll(grains.Select(g => g.Call));

        var management = silos[0].SiloHost.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var where = (await management.GetDetailedGrainStatistics(hostsIds: [.. silos.Select(s => s.SiloAddress)]))
            .GroupBy(s => s.GrainId).ToDictionary(g => g.Key, g => g.Single().SiloAddress);
        var placed = grains.Select(g => (g.Type, Silo: where.GetValueOrDefault(g.Id))).ToList();
        foreach (var type in placed.GroupBy(p => p.Type))
            output.WriteLine($"{type.Key}: " + string.Join(", ", silos.Select(s => $"{type.Count(p => s.SiloAddress.Equals(p.Silo))} on {(s.SiloAddress.Equals(drainer) ? "the draining silo" : s.Name)}")));

        Assert.All(placed, p => Assert.NotNull(p.Silo)); // each found: the count below shows something
        var onDrainer = placed.Count(p => drainer.Equals(p.Silo));
        Assert.True(onDrainer == 0, $"{onDrainer} of {placed.Count} fresh grains activated on the silo heard draining");
    }

    [Fact]
    public async Task Shards_AddressedToADrainingSiloByOneThatDidNotHear_ServeOnAnother()
    {
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" }, b => b.Options.InitialSilosCount = 3);
        var silos = surge.Cluster.Silos.Cast<InProcessSiloHandle>().ToArray();
        var addresses = silos.Select(s => s.SiloAddress).ToArray();
        await Eventually.TrueAsync(() => silos.All(s => s.SiloHost.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
            .Count(m => m.Status == SiloStatus.Active) == silos.Length), "every silo seeing all three active");
        // Only the drainer knows (its notice to the others lost, or their routes stale, as after a shard moved on to a
        // silo that was then killed): the others place shards there by the hash over all three.
        var drainer = silos[^1];
        drainer.SiloHost.Services.GetRequiredService<DrainingSilos>().Heard(drainer.SiloAddress, TimeSpan.FromMinutes(10));
        var management = silos[0].SiloHost.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        // Shard activations on the drainer, by grain class (a type name is "namespace.class,assembly").
        async Task<Dictionary<string, int>> OnDrainerAsync() => (await management.GetDetailedGrainStatistics(hostsIds: [drainer.SiloAddress]))
            .Select(s => s.GrainType.Split(',')[0].Split('.')[^1]).Where(type => type.EndsWith("ShardGrain", StringComparison.Ordinal))
            .GroupBy(type => type).ToDictionary(g => g.Key, g => g.Count());
        var before = await OnDrainerAsync();

        var caller = silos[0].SiloHost.Services.GetRequiredService<IGrainFactory>();
        var tasks = await Task.WhenAll(Enumerable.Range(0, TaskShards.Count).Select(shard => caller.GetGrain<ITaskShardGrain>(shard).GetStatusAsync("drain-probe")));
        var books = await Task.WhenAll(Enumerable.Range(0, TaskShards.Count).Select(shard => caller.EntityShard(shard).GetBookAsync("drain-probe")));
        var after = await OnDrainerAsync();
        var hashedToDrainer = Enumerable.Range(0, TaskShards.Count).Count(shard => drainer.SiloAddress.Equals(ShardPlacement.Pick(shard, addresses)));
        output.WriteLine($"the hash over all three gives the drainer {hashedToDrainer} of each kind of shard; on it before: {Show(before)}; after: {Show(after)}");

        Assert.All(tasks, Assert.Null); // every call answered
        Assert.All(books, b => Assert.Null(b.Running));
        var shards = after.Sum(t => t.Value - before.GetValueOrDefault(t.Key));
        Assert.True(shards == 0, $"{shards} task and entity shards activated and served on the draining silo");
    }

    private static string Show(Dictionary<string, int> counts)
        => counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Value} {c.Key}"));
}
