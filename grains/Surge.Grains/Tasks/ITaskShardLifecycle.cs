using Orleans.Concurrency;

namespace Surge.Tasks;

/// <summary>What the runtime tells a task's shard about it. Not for clients: they use <see cref="ITaskShardGrain"/>.</summary>
internal interface ITaskShardLifecycle : IGrainWithIntegerKey
{
    /// <summary>The executor started it. One-way: a lost start only delays the Running state, the finish still lands.</summary>
    [OneWay]
    Task OnStartedAsync(string taskId, TaskStart start);

    /// <summary>The executor finished it. The first final outcome is kept; later ones (a re-run after a crash) are ignored.</summary>
    Task OnFinishedAsync(string taskId, TaskOutcome outcome);

    /// <summary>An entity event waited past its hold limit for its predecessor: it fails without running.</summary>
    [OneWay]
    Task OnExpiredAsync(string taskId, string reason);
}

internal static class TaskShardLifecycleExtensions
{
    public static ITaskShardLifecycle ShardLifecycle(this IGrainFactory grains, string taskId)
        => grains.GetGrain<ITaskShardLifecycle>(TaskShards.For(taskId));
}
