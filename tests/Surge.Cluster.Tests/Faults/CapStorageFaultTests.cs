using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Surge.Caps;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// A cap grain while the store refuses its "in use" mark, the one thing a new activation after a failover learns from
/// (on a fake clock; the test syncs as two silos, "a" and "b"). A grant the stored mark cannot protect is not made: no
/// new slot, and no lease longer than the mark protects. Once a write succeeds, grants resume.
/// </summary>
public class CapStorageFaultTests : IAsyncLifetime
{
    private const string Type = "capped-store";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private SurgeCluster _surge = null!;

    public async Task InitializeAsync()
        => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
        {
            [$"Surge:Policies:Types:{Type}:MaxRunning"] = "3",
            ["Surge:Autoscale:Enabled"] = "false",
        }, _clock, b => b.AddSiloBuilderConfigurator<FaultyGrainStorage.ForSurge>());

    public async Task DisposeAsync()
    {
        FaultyGrainStorage.FailWrites = false;
        await _surge.DisposeAsync();
    }

    [Fact]
    public async Task Sync_StoreRefusesTheMark_NoNewSlotLeasesRunOut_GrantsResumeOnceStored()
    {
        // From inside a silo, as its lease keeper calls: clients may not reach a cap grain.
        var silo = ((InProcessSiloHandle)_surge.Cluster.Primary!).SiloHost.Services.GetRequiredService<IGrainFactory>();
        var cap = silo.GetGrain<ICapGrain>(Type);
        var a = await cap.SyncAsync(new CapRequest("a", Held: 0, InUse: 0, Wanted: 2, TokensWanted: 0));
        Assert.Equal((2, CapGrain.Lease), (a.Slots, a.Lease)); // the mark is stored

        FaultyGrainStorage.FailWrites = true;
        _clock.Advance(TimeSpan.FromSeconds(2)); // the mark is due again, and refused
        var b = await cap.SyncAsync(new CapRequest("b", Held: 0, InUse: 0, Wanted: 1, TokensWanted: 0));
        Assert.Equal(0, b.Slots); // a slot is free, but an activation after a failover would not wait for it
        a = await cap.SyncAsync(new CapRequest("a", Held: 2, InUse: 1, Wanted: 2, TokensWanted: 0));
        Assert.Equal(2, a.Slots); // what a silo holds it keeps
        Assert.True(a.Lease < CapGrain.Lease, $"a lease of {a.Lease} outlives what the stored mark protects");

        _clock.Advance(CapGrain.Lease);
        a = await cap.SyncAsync(new CapRequest("a", Held: 2, InUse: 1, Wanted: 2, TokensWanted: 0));
        Assert.Equal((2, TimeSpan.Zero), (a.Slots, a.Lease)); // kept, but nothing new starts in it

        FaultyGrainStorage.FailWrites = false;
        _clock.Advance(TimeSpan.FromSeconds(1)); // the next try of the mark
        b = await cap.SyncAsync(new CapRequest("b", Held: 0, InUse: 0, Wanted: 1, TokensWanted: 0));
        Assert.Equal((1, CapGrain.Lease), (b.Slots, b.Lease));
        a = await cap.SyncAsync(new CapRequest("a", Held: 2, InUse: 1, Wanted: 2, TokensWanted: 0));
        Assert.Equal((2, CapGrain.Lease), (a.Slots, a.Lease));
    }
}
