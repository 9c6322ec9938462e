using System.Diagnostics.Metrics;
using Surge.Workers;

namespace Surge.Telemetry;

/// <summary>This silo's pools as observable gauges: read from the executor when a scrape asks, never pushed.</summary>
internal sealed class PoolGauges(WorkerExecutor executor, ReplicaReadings replicas, ILocalSiloDetails silo) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(PoolGauges), ServiceLifecycleStage.Active, _ => Start(), _ => Task.CompletedTask);

    private Task Start()
    {
        var key = silo.SiloAddress.ToParsableString();
        SurgeMeter.Meter.CreateObservableGauge("surge.pool.queued", () => Each(key, p => p.Queued), "{task}", "Tasks waiting in the pool's queue");
        SurgeMeter.Meter.CreateObservableGauge("surge.pool.running", () => Each(key, p => p.Running), "{task}", "Tasks running in the pool");
        SurgeMeter.Meter.CreateObservableGauge("surge.pool.limit", () => Each(key, p => p.Limit), "{slot}", "The pool's concurrency limit");
        SurgeMeter.Meter.CreateObservableGauge("surge.cap.waiting", CapWaiting, "{task}", "Tasks of a capped type waiting for a cluster-wide slot or start token, by type");
        SurgeMeter.Meter.CreateObservableGauge("surge.cap.slots", CapSlots, "{slot}", "Slots of a capped type's cluster-wide cap leased by this silo, by type");
        SurgeMeter.Meter.CreateObservableCounter("surge.memory.deferrals", () => executor.MemoryDeferrals, "{task}", "Tasks that waited for memory");
        SurgeMeter.Meter.CreateObservableGauge("surge.autoscale.replicas.desired", () => Replicas(r => r.Desired), "{pod}", "Replicas the autoscaler wants");
        SurgeMeter.Meter.CreateObservableGauge("surge.autoscale.replicas.actual", () => Replicas(r => r.Actual), "{pod}", "Silos reporting to the autoscaler");
        return Task.CompletedTask;
    }

    private IEnumerable<Measurement<int>> CapWaiting() => executor.CapSnapshot().Select(c => new Measurement<int>(c.Waiting, Type(c.Type)));

    private IEnumerable<Measurement<int>> CapSlots() => executor.CapSnapshot().Select(c => new Measurement<int>(c.Slots, Type(c.Type)));

    private static KeyValuePair<string, object?> Type(string type) => new("type", type);

    private IEnumerable<Measurement<int>> Replicas(Func<(int Desired, int Actual), int> value)
        => replicas.Last is { } last ? [new Measurement<int>(value(last))] : [];

    private IEnumerable<Measurement<int>> Each(string key, Func<PoolStats, int> value)
        => executor.GetStats(key).Select(p => new Measurement<int>(value(p), new KeyValuePair<string, object?>("pool", p.Pool)));
}
