using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Surge.Autoscale;

/// <summary>
/// The cluster's autoscaler (key 0; one activation). It decides as each silo's report arrives, so a backlog is acted
/// on within one report interval; the replica count it reasons about is the number of silos reporting.
/// </summary>
[KeepAlive]
internal sealed class AutoscaleGrain(IOptions<AutoscaleOptions> options, IPodScaler pods, ReplicaReadings readings, TimeProvider time, ILoggerFactory loggers)
    : Grain, IAutoscaleGrain, IAutoscaleReporting
{
    private readonly Dictionary<string, SiloSignal> _latest = new(StringComparer.Ordinal);
    private readonly AutoscaleController _controller = new(new AutoscalePolicy(options.Value, time), pods, loggers.CreateLogger<AutoscaleController>());

    public Task<AutoscaleDecision[]> GetHistoryAsync(int max) => Task.FromResult(_controller.History(Math.Clamp(max, 1, AutoscaleController.HistoryCapacity)).ToArray());

    public async Task ReportAsync(SiloSignal signal)
    {
        _latest[signal.Silo] = signal;
        // A silo that stopped reporting is gone (or going): three intervals of silence.
        var stale = time.GetUtcNow() - 3 * options.Value.Interval;
        foreach (var silo in _latest.Where(s => s.Value.At < stale).Select(s => s.Key).ToList()) _latest.Remove(silo);

        await _controller.TickAsync([.. _latest.Values], _latest.Count, ApplyConcurrencyAsync, CancellationToken.None);
        readings.Update(desired: _controller.DesiredReplicas ?? _latest.Count, actual: _latest.Count);
    }

    private async Task ApplyConcurrencyAsync(AutoscaleDecision decision)
    {
        if (decision.Target is not { } target) return;
        await GrainFactory.GetGrain<IWorkerSiloGrain>(target.Silo).SetConcurrencyAsync(target.Pool, decision.To);
        // Until that silo reports again, reason with the limit it has now, not the one it reported.
        if (_latest.TryGetValue(target.Silo, out var signal))
            _latest[target.Silo] = signal with { Pools = [.. signal.Pools.Select(p => p.Pool == target.Pool ? p with { Limit = decision.To } : p)] };
    }
}
