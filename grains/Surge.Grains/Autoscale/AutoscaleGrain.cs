using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Surge.Autoscale;

/// <summary>
/// The cluster's autoscaler (key 0; one activation). It decides as each silo's report arrives, so a backlog is acted
/// on within one report interval, for the reporting silo's group (<see cref="GroupAutoscaler"/>); the replica count it
/// reasons about is the number of that group's silos reporting and not draining.
/// </summary>
[KeepAlive]
internal sealed class AutoscaleGrain(IOptions<AutoscaleOptions> options, IPodScaler pods, ReplicaReadings readings, TimeProvider time, ILoggerFactory loggers)
    : Grain, IAutoscaleGrain, IAutoscaleReporting
{
    private readonly GroupAutoscaler _groups = new(options.Value, pods, readings, time, loggers);

    public Task<AutoscaleDecision[]> GetHistoryAsync(int max) => Task.FromResult(_groups.History(Math.Clamp(max, 1, AutoscaleController.HistoryCapacity)).ToArray());

    public Task<MemoryRecommendation[]> GetMemoryRecommendationsAsync() => Task.FromResult(_groups.MemoryRecommendations());

    public Task ReportAsync(SiloSignal signal) => _groups.ReportAsync(signal, ApplyConcurrencyAsync, CancellationToken.None);

    private async Task ApplyConcurrencyAsync(AutoscaleDecision decision)
    {
        if (decision.Target is not { } target) return;
        await GrainFactory.GetGrain<IWorkerSiloGrain>(target.Silo).SetConcurrencyAsync(target.Pool, decision.To);
        _groups.Applied(target, decision.To);
    }
}
