using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
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

    [Fact]
    public void HostsEveryPool_DefaultGroup_True()
        => Assert.True(Create().Hosts.HostsEveryPool);

    private sealed class NoEvents : ITaskEvents
    {
        public void Started(WorkItem item, DateTimeOffset at) { }
        public Task Finished(WorkItem item, TaskOutcome outcome) => Task.CompletedTask;
    }
}
