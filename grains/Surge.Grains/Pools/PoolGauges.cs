using System.Diagnostics.Metrics;
using Surge.Telemetry;

namespace Surge.Pools;

/// <summary>This silo's pools as observable gauges, read when a metrics exporter collects.</summary>
internal sealed class PoolGauges(PoolRunner pools, ILocalSiloDetails silo, SiloMeter meter) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(PoolGauges), ServiceLifecycleStage.Active, _ => Start(), _ => Task.CompletedTask);

    private Task Start()
    {
        var key = silo.SiloAddress.ToParsableString();
        meter.Meter.CreateObservableGauge("surge.pool.queued", () => Each(key, p => p.Queued), "{task}", "Tasks waiting in the pool's queue");
        meter.Meter.CreateObservableGauge("surge.pool.running", () => Each(key, p => p.Running), "{task}", "Tasks running in the pool");
        meter.Meter.CreateObservableGauge("surge.pool.limit", () => Each(key, p => p.Limit), "{slot}", "The pool's concurrency limit");
        // The wait histogram counts only tasks that started, so a stuck queue shows there as silence; this grows
        // instead, which is what the oldest-wait alert reads.
        meter.Meter.CreateObservableGauge("surge.pool.oldest_wait", () => pools.GetStats(key)
            .Select(p => new Measurement<double>(p.OldestWaitMs / 1000, new KeyValuePair<string, object?>("pool", p.Pool.Name()))),
            "s", "How long the oldest queued task of the pool has waited");
        meter.Meter.CreateObservableCounter("surge.memory.deferrals", () => pools.MemoryDeferrals, "{task}", "Tasks that waited for memory");
        return Task.CompletedTask;
    }

    private IEnumerable<Measurement<int>> Each(string key, Func<PoolStats, int> value)
        => pools.GetStats(key).Select(p => new Measurement<int>(value(p), new KeyValuePair<string, object?>("pool", p.Pool.Name())));
}
