using System.Diagnostics.Metrics;

namespace Surge.Telemetry;

/// <summary>
/// This silo's own instance of the <c>Surge</c> meter, for its observable gauges. A gauge's callback reads its silo's
/// pools, caps, waves or model, so the gauge must end with the silo: one on the process-wide <see cref="SurgeMeter"/>
/// stays published after its silo stops (a meter's instruments cannot be removed one by one), so a process that hosts
/// silos one after another (tests, benches, a restarted host) went on reporting stopped silos' queues, limits and cap
/// leases beside the live ones, and kept those silos in memory. The silo's service provider disposes this meter with
/// the silo, which unpublishes its gauges. Exporters select meters by name, so they see these gauges as before.
/// Counters and histograms stay on <see cref="SurgeMeter"/>: they are pushed, and hold nothing of a silo.
/// </summary>
internal sealed class SiloMeter : IDisposable
{
    public Meter Meter { get; } = new(SurgeMeter.Name);

    public void Dispose() => Meter.Dispose();
}
