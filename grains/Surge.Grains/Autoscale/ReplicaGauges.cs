using System.Diagnostics.Metrics;
using Surge.Telemetry;

namespace Surge.Autoscale;

/// <summary>Desired and actual replicas as observable gauges: a series only on the silo hosting the autoscale grain.</summary>
internal sealed class ReplicaGauges(ReplicaReadings replicas) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(ReplicaGauges), ServiceLifecycleStage.Active, _ => Start(), _ => Task.CompletedTask);

    private Task Start()
    {
        SurgeMeter.Meter.CreateObservableGauge("surge.autoscale.replicas.desired", () => Replicas(r => r.Desired), "{pod}", "Replicas the autoscaler wants");
        SurgeMeter.Meter.CreateObservableGauge("surge.autoscale.replicas.actual", () => Replicas(r => r.Actual), "{pod}", "Silos reporting to the autoscaler");
        return Task.CompletedTask;
    }

    private IEnumerable<Measurement<int>> Replicas(Func<(int Desired, int Actual), int> value)
        => replicas.Last is { } last ? [new Measurement<int>(value(last))] : [];
}
