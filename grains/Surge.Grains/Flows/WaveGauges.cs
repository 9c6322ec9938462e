using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Surge.Telemetry;

namespace Surge.Flows;

/// <summary>
/// The waves active on this silo, as the gauge <c>surge.wave.tasks</c> (Prometheus <c>surge_wave_tasks</c>) by flow,
/// task, version and status. Each wave lives on one silo, so a sum over silos is the cluster's.
/// </summary>
internal sealed class WaveGauges(SiloMeter meter)
{
    private readonly ConcurrentDictionary<string, Func<(string Flow, ImmutableArray<WaveTaskCount> Counts)>> _waves = new(StringComparer.Ordinal);
    private int _created;

    public void Set(string wave, Func<(string Flow, ImmutableArray<WaveTaskCount> Counts)> counts)
    {
        _waves[wave] = counts;
        if (Interlocked.Exchange(ref _created, 1) == 0)
            meter.Meter.CreateObservableGauge("surge.wave.tasks", Measure, "{task}", "Tasks of the waves on this silo, by flow, task, version and status");
    }

    public void Remove(string wave) => _waves.TryRemove(wave, out _);

    private IEnumerable<Measurement<int>> Measure()
    {
        // Summed per flow: series per wave id would grow without bound.
        var sums = new Dictionary<(string, string, string, StepState), int>();
        foreach (var counts in _waves.Values)
        {
            var (flow, tasks) = counts();
            if (flow is null || tasks.IsDefault) continue;
            foreach (var t in tasks)
                foreach (var (status, n) in new[] { (StepState.Pending, t.Pending), (StepState.Running, t.Running), (StepState.Finished, t.Finished), (StepState.Degraded, t.Degraded), (StepState.Failed, t.Failed) })
                    sums[(flow, t.Task, t.Version, status)] = sums.GetValueOrDefault((flow, t.Task, t.Version, status)) + n;
        }
        foreach (var ((flow, task, version, status), n) in sums)
            yield return new Measurement<int>(n, new("flow", flow), new("task", task), new("version", version), new("status", status.ToString().ToLowerInvariant()));
    }
}
