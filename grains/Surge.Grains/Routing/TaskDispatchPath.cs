using Microsoft.Extensions.Options;
using Surge.Pools;

namespace Surge.Routing;

/// <summary>
/// How a shard hands a batch of ready tasks to the pools (<see cref="RoutingOptions.Path"/>): through this silo's
/// classifier and pool grains, or, as the baseline <c>bench throughput</c> compares with, by calling the same
/// classifier and pools in-process.
/// </summary>
internal sealed class TaskDispatchPath(IOptions<RoutingOptions> options, IGrainFactory grains, Classifier classifier, PoolRunner pools, ILocalSiloDetails silo)
{
    private readonly bool _grains = options.Value.Path == DispatchPath.Grains;
    private readonly string _here = silo.SiloAddress.ToParsableString();

    /// <summary>Completes once every task of the batch is queued (or started) in its pool.</summary>
    public Task DispatchAsync(DispatchBatch batch)
    {
        if (_grains) return grains.GetGrain<IClassifierGrain>(0).DispatchAsync(batch with { Silo = _here }); // HereOnly
        foreach (var (pool, work) in classifier.Split(batch))
            pools.Enqueue(pool, work);
        return Task.CompletedTask;
    }
}
