using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Flows;
using Surge.Policies;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests;

/// <summary>
/// A silo that drains is listed active until Orleans stops it; a stateful grain activated there meanwhile moves again
/// seconds later. The grains Orleans places (not the shards, which Surge places) leave it out too.
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
}
