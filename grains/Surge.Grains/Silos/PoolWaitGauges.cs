using System.Diagnostics.Metrics;
using Surge.Pools;
using Surge.Telemetry;

namespace Surge.Silos;

/// <summary>
/// <c>surge_pool_oldest_wait_seconds{pool}</c>: how long the task at the head of each of this silo's queues has waited.
/// The wait histogram only counts tasks that started, so a queue that is stuck shows there as silence; this shows it
/// growing, which is what the oldest-wait alert needs. Here rather than beside the other pool gauges only because the
/// pools are being reworked in parallel; it reads the same <see cref="PoolRunner.GetStats"/> snapshot.
/// </summary>
internal sealed class PoolWaitGauges(PoolRunner pools, ILocalSiloDetails silo) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(PoolWaitGauges), ServiceLifecycleStage.Active, _ => Start(), _ => Task.CompletedTask);

    private Task Start()
    {
        var key = silo.SiloAddress.ToParsableString();
        SurgeMeter.Meter.CreateObservableGauge("surge.pool.oldest_wait", () => pools.GetStats(key)
            .Select(p => new Measurement<double>(p.OldestWaitMs / 1000, new KeyValuePair<string, object?>("pool", p.Pool.Name()))),
            "s", "How long the oldest queued task of the pool has waited");
        return Task.CompletedTask;
    }
}
