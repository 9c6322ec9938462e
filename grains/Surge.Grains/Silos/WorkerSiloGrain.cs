using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Surge.Policies;
using Surge.Pools;
using Surge.Prediction;
using Surge.Prediction.Models;
using Surge.Routing;
using Surge.Tasks;
using Surge.Telemetry;
using Surge.Workers;

namespace Surge.Silos;

/// <summary>
/// One silo's control surface, keyed by its address: pools for operators and the autoscaler, cancels for shards,
/// history and models for the trainer. It only reads and forwards; each feature's rules stay in that feature.
/// </summary>
[SiloKeyedPlacement]
internal sealed partial class WorkerSiloGrain(PoolRunner pools, HandlerRegistry handlers, IOptions<RoutingOptions> routing, ILocalSiloDetails silo,
    HistoryBuffer history, ModelPredictor predictor, RoutingScore score, SiloTaskDigest tasks, ResultCache cache, DrainingSilos draining,
    ILogger<WorkerSiloGrain> logger) : Grain, IWorkerSiloGrain, IPoolControl, IPredictorControl
{
    private readonly ILogger _logger = logger;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A key that names another silo must not control this silo's pools by mistake. That silo left, or joined
        // so recently that this silo's view of the membership has not caught up: transient, so callers retry.
        if (this.GetPrimaryKeyString() != silo.SiloAddress.ToParsableString())
            throw new SiloUnavailableException($"silo {this.GetPrimaryKeyString()} is not in this silo's view of the cluster; this is {silo.SiloAddress.ToParsableString()}");
        return Task.CompletedTask;
    }

    public Task<SiloInfo> GetInfoAsync() => Task.FromResult(Info());

    public Task<PoolStats[]> GetPoolsAsync() => Task.FromResult(pools.GetStats(this.GetPrimaryKeyString()));

    public Task<SiloSummary> GetSummaryAsync()
    {
        var (heldCount, held, deadCount, dead, shards) = tasks.Read(SiloSummary.Depth);
        return Task.FromResult(new SiloSummary(Info(), pools.GetStats(this.GetPrimaryKeyString()), heldCount, held, deadCount, dead, shards));
    }

    private SiloInfo Info() => new(this.GetPrimaryKeyString(),
        routing.Value.Mode, pools.MaxConcurrency, [.. handlers.Types.Order()], predictor.Model?.Version, score.Accuracy, cache.HitRatio);

    public Task<int> SetConcurrencyAsync(PoolKind pool, int limit) => Task.FromResult(pools.SetLimit(pool, limit));

    public Task<HistorySample[]> GetHistoryAsync(int max) => Task.FromResult(Array.ConvertAll(history.Newest(max), HistorySample.From));

    public Task<bool> CancelAsync(string taskId) => Task.FromResult(pools.Cancel(taskId));

    public Task<bool> CancelDispatchAsync(DispatchProbe dispatch) => Task.FromResult(pools.Cancel(dispatch.TaskId, dispatch));

    public Task<bool> IsDrainingAsync() => Task.FromResult(pools.IsDraining);

    public Task SiloDrainsAsync(SiloAddress drainer, TimeSpan stopsWithin)
    {
        draining.Heard(drainer, stopsWithin);
        LogSiloDrains(drainer.ToString(), stopsWithin);
        return Task.CompletedTask;
    }

    public Task<string[]> HeldAsync(string[] taskIds) => Task.FromResult(Array.FindAll(taskIds, pools.IsActive));

    public Task<string[]> ProbeAsync(DispatchProbe[] dispatches) => Task.FromResult(pools.Probe(dispatches));

    public Task UseModelAsync(ModelFile model)
    {
        if (predictor.Model?.Version != model.Version) predictor.Use(SurgeModel.Load(new MemoryStream(model.Bytes), model.Version));
        return Task.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Information, "Silo {Silo} drains and stops within {StopsWithin}: nothing is placed there meanwhile")]
    private partial void LogSiloDrains(string silo, TimeSpan stopsWithin);
}
