using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Surge.Pools;
using Surge.Routing;
using Surge.Tasks;
using Surge.Workers;

namespace Surge.Tests;

/// <summary>Where a shard sends a pool's work when its silo is of a group: here if hosted, else nowhere it can find.</summary>
public class PoolHostsTests
{
    private sealed class LocalSilo : ILocalSiloDetails
    {
        public string Name => "s";
        public string ClusterId => "c";
        public string DnsHostName => "localhost";
        public SiloAddress SiloAddress { get; } = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
        public SiloAddress GatewayAddress => SiloAddress;
    }

    private static (PoolHosts Hosts, PoolRunner Pools) Create(params PoolKind[] hosted)
    {
        var shape = new PoolShape(RoutingMode.Predicted, Pools: hosted);
        var registry = new HandlerRegistry(new ServiceCollection().BuildServiceProvider(), []);
        var tasks = new TaskOptions();
        var pools = new PoolRunner(Options.Create(new WorkerOptions { MaxConcurrency = 4 }), Options.Create(new PoolsOptions()), shape,
            Options.Create(new Policies.TaskPoliciesOptions()), new RunBounds(tasks.MaxTimeout, tasks.MaxResultBytes, TaskOptions.Section),
            registry, new NoEvents(), TimeProvider.System, NullLogger<PoolRunner>.Instance);
        // No membership service here: no other silo is known, as in a cluster where no other silo hosts the pool.
        return (new PoolHosts(shape, new LocalSilo(), pools, new FakeTimeProvider(), NullLogger<PoolHosts>.Instance, new ServiceCollection().BuildServiceProvider()), pools);
    }

    [Fact]
    public void Pick_PoolHostedHere_ThisSilo()
    {
        var (hosts, _) = Create(PoolKind.Short);
        Assert.False(hosts.HostsEveryPool);
        Assert.Equal(hosts.Here, hosts.Pick(PoolKind.Short));
    }

    [Fact]
    public void Pick_NoSiloHostsThePool_NullAndCounted()
    {
        var (hosts, _) = Create(PoolKind.Short);
        long unhosted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Name == "surge.pool.unhosted") l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref unhosted, value));
        listener.Start();

        Assert.Null(hosts.Pick(PoolKind.Long));
        Assert.True(Interlocked.Read(ref unhosted) >= 1); // other tests may count too: the meter is static
    }

    [Fact]
    public async Task Pick_ThisSiloDraining_NotThisSilo()
    {
        var (hosts, pools) = Create(PoolKind.Short);
        await pools.DrainAsync(handOver: true, TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Null(hosts.Pick(PoolKind.Short)); // its queued work would be handed straight back
    }

    // Silo groups: this silo hosts long work only; B and C host short work; B drains (it told every silo so).
    [Fact]
    public void Pick_AnotherHostDrains_TheOtherHost()
    {
        var (b, c) = (SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 22222), 1), SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 33333), 1));
        var draining = new DrainingSilos(new FakeTimeProvider());
        var hosts = CreateInCluster([PoolKind.Long], draining, (b, "short"), (c, "short"));
        draining.Heard(b, TimeSpan.FromSeconds(30));

        var picked = Enumerable.Range(0, 200).Select(_ => hosts.Pick(PoolKind.Short)).Distinct().ToList();

        Assert.Equal([c.ToParsableString()], picked); // before: B about half the time, which handed the work straight back
    }

    [Fact]
    public void Pick_EveryOtherHostDrains_OneOfThemStill()
    {
        var b = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 22222), 1);
        var draining = new DrainingSilos(new FakeTimeProvider());
        var hosts = CreateInCluster([PoolKind.Long], draining, (b, "short"));
        draining.Heard(b, TimeSpan.FromSeconds(30));

        Assert.Equal(b.ToParsableString(), hosts.Pick(PoolKind.Short)); // it may still run it; nothing else can
    }

    private static PoolHosts CreateInCluster(PoolKind[] hosted, DrainingSilos draining, params (SiloAddress Silo, string Pools)[] others)
    {
        var local = new LocalSilo();
        var (_, pools) = Create(hosted);
        var services = new ServiceCollection()
            .AddSingleton<IClusterMembershipService>(FixedMembership.Active([.. others.Select(o => o.Silo), local.SiloAddress]))
            .AddSingleton<ISiloMetadataCache>(new FixedMetadata(others.ToDictionary(o => o.Silo, o => o.Pools)))
            .AddSingleton(draining)
            .BuildServiceProvider();
        return new PoolHosts(new PoolShape(RoutingMode.Predicted, Pools: hosted), local, pools, new FakeTimeProvider(), NullLogger<PoolHosts>.Instance, services);
    }

    // SiloMetadata's setters are Orleans' own; a test sets the one property by reflection.
    private sealed class FixedMetadata(Dictionary<SiloAddress, string> pools) : ISiloMetadataCache
    {
        public SiloMetadata GetSiloMetadata(SiloAddress siloAddress)
        {
            var metadata = new SiloMetadata();
            if (pools.TryGetValue(siloAddress, out var hosted))
                typeof(SiloMetadata).GetProperty(nameof(SiloMetadata.Metadata))!.SetValue(metadata, ImmutableDictionary<string, string>.Empty.Add(PoolHosts.PoolsKey, hosted));
            return metadata;
        }
    }

    [Fact]
    public void HostsEveryPool_DefaultGroup_True()
        => Assert.True(Create().Hosts.HostsEveryPool);

    private sealed class NoEvents : ITaskEvents
    {
        public void Started(WorkItem item, DateTimeOffset at) { }
        public Task Finished(WorkItem item, TaskOutcome outcome) => Task.CompletedTask;
    }
}
