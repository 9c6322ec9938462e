using Orleans.Concurrency;
using Surge.Entities;
using Surge.Pools;

namespace Surge.Tasks;

/// <summary>
/// What the runtime tells a task's shard about it; what its entity tells it is <see cref="IEventShard"/>. Not for
/// clients: they use <see cref="ITaskShardGrain"/>.
/// </summary>
internal interface ITaskShardLifecycle : IEventShard
{
    /// <summary>The executor started it. One-way: a lost start only delays the Running state, the finish still lands.</summary>
    [OneWay]
    Task OnStartedAsync(string taskId, TaskStart start);

    /// <summary>
    /// A dispatch of it ended (ran, or was cancelled before it started). Throws while the outcome cannot be stored; the
    /// executor delivers it again.
    /// </summary>
    Task OnFinishedAsync(string taskId, TaskOutcome outcome);
}

internal static class TaskShardLifecycleExtensions
{
    public static ITaskShardLifecycle ShardLifecycle(this IGrainFactory grains, string taskId)
        => ShardReferences<ITaskShardLifecycle>.Get(grains, TaskShards.For(taskId));
}
