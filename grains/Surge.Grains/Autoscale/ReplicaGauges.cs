using System.Diagnostics.Metrics;
using Surge.Telemetry;

namespace Surge.Autoscale;

/// <summary>
/// Desired and actual replicas per silo group as observable gauges (label <c>group</c>): series only on the silo
/// hosting the autoscale grain. With <c>Surge:Autoscale:Pods=External</c> the desired one is what KEDA scales on.
/// </summary>
internal sealed class ReplicaGauges(ReplicaReadings replicas, SiloMeter meter) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(ReplicaGauges), ServiceLifecycleStage.Active, _ => Start(), _ => Task.CompletedTask);

    private Task Start()
    {
        meter.Meter.CreateObservableGauge("surge.autoscale.replicas.desired", () => Replicas(r => r.Desired), "{pod}", "Replicas the autoscaler wants, per silo group");
        meter.Meter.CreateObservableGauge("surge.autoscale.replicas.actual", () => Replicas(r => r.Actual), "{pod}", "Silos reporting to the autoscaler, per silo group");
        meter.Meter.CreateObservableGauge("surge.autoscale.memory.recommended", Memory, "By",
            "Pod memory request and limit (kind) recommended per silo group; never applied by Surge");
        return Task.CompletedTask;
    }

    private IEnumerable<Measurement<long>> Memory() => replicas.Memory.SelectMany(m => new[]
    {
        new Measurement<long>(m.RequestMb * 1024 * 1024, new("group", m.Group), new("kind", "request")),
        new Measurement<long>(m.LimitMb * 1024 * 1024, new("group", m.Group), new("kind", "limit")),
    });

    private IEnumerable<Measurement<int>> Replicas(Func<(int Desired, int Actual), int> value)
        => replicas.Last.Select(g => new Measurement<int>(value(g.Value), new KeyValuePair<string, object?>("group", g.Key)));
}
