using Microsoft.Extensions.Logging;
using System.Diagnostics.Metrics;
using Surge.Background;
using Surge.Pools;
using Surge.Telemetry;

namespace Surge.Caps;

/// <summary>
/// Keeps this silo's leases of capped types in step with its demand: every 50 ms, for each type with work here, one
/// call to the type's cap grain (renew, grow, or give back). Tasks themselves never call it.
/// </summary>
internal sealed partial class CapLeaseKeeper(CapGate gate, PoolRunner pools, IGrainFactory grains, ILocalSiloDetails silo, TimeProvider time,
    SiloMeter meter, ILogger<CapLeaseKeeper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);
    private long _lastLogged;
    private BackgroundLoop? _loop;

    public void Participate(ISiloLifecycle lifecycle)
    {
        if (gate.CappedTypes.Count == 0) return;
        // Starts once the silo is active; stops only after the drain (which stops at Active), so capped tasks still
        // waiting when a single silo drains can get their slots and run.
        lifecycle.Subscribe(nameof(CapLeaseKeeper), ServiceLifecycleStage.Active, _ =>
        {
            meter.Meter.CreateObservableGauge("surge.cap.waiting", () => Each(pools.WaitingAtGate), "{task}",
                "Tasks of a capped type waiting for a cluster-wide slot or start token, by type");
            meter.Meter.CreateObservableGauge("surge.cap.slots", () => Each(gate.SlotsOf), "{slot}",
                "Slots of a capped type's cluster-wide cap leased by this silo, by type");
            var me = silo.SiloAddress.ToParsableString();
            _loop = BackgroundLoop.Start(nameof(CapLeaseKeeper), Tick, _ => Task.WhenAll(gate.CappedTypes.Select(type => SyncAsync(type, me))), time, logger);
            return Task.CompletedTask;
        });
        lifecycle.Subscribe(nameof(CapLeaseKeeper), ServiceLifecycleStage.ApplicationServices, _ => Task.CompletedTask,
            ct => _loop?.StopAsync(ct) ?? Task.CompletedTask);
    }

    private async Task SyncAsync(string type, string me)
    {
        if (gate.RequestFor(type, me, pools.WaitingAtGate(type)) is not { } request) return;
        try
        {
            gate.Apply(type, await grains.GetGrain<ICapGrain>(type).SyncAsync(request));
            pools.Reconsider();
        }
        catch (Exception e)
        {
            // The lease runs out by itself: with no answer this silo stops starting the type, it never overshoots.
            // Said once every 10 s, not at every 50 ms tick.
            var last = Interlocked.Read(ref _lastLogged);
            if ((last == 0 || time.GetElapsedTime(last) > LogEvery) && Interlocked.CompareExchange(ref _lastLogged, time.GetTimestamp(), last) == last)
                LogSyncFailed(type, e.Message);
        }
    }

    private IEnumerable<Measurement<int>> Each(Func<string, int> value)
        => gate.CappedTypes.Select(type => new Measurement<int>(value(type), new KeyValuePair<string, object?>("type", type)));

    [LoggerMessage(1, LogLevel.Warning, "Cap lease sync for type {Type} failed: {Error}")]
    private partial void LogSyncFailed(string type, string error);
}
