using Orleans.Concurrency;
using Surge.Entities;

namespace Surge.Tasks;

/// <summary>What the runtime tells a task's shard about it. Not for clients: they use <see cref="ITaskShardGrain"/>.</summary>
internal interface ITaskShardLifecycle : IGrainWithIntegerKey
{
    /// <summary>The executor started it. One-way: a lost start only delays the Running state, the finish still lands.</summary>
    [OneWay]
    Task OnStartedAsync(string taskId, TaskStart start);

    /// <summary>
    /// A dispatch of it ended (ran, or was cancelled before it started). Throws while the outcome cannot be stored; the
    /// executor delivers it again.
    /// </summary>
    Task OnFinishedAsync(string taskId, TaskOutcome outcome);

    /// <summary>An entity event waited past its hold limit for its predecessor: it fails without running.</summary>
    Task OnExpiredAsync(string taskId, string reason);

    /// <summary>
    /// Its entity released a held event: the shard dispatches it. One-way: the entity has stored the release, and
    /// hears back only when the event does not run after all (it ended meanwhile, or its submission was never stored).
    /// A release that is lost is found by the shard's upkeep, which hands the held event over again.
    /// </summary>
    [OneWay]
    Task OnReleasedAsync(string taskId, string entity);

    /// <summary>Where the task's run stands: an entity asks before it lets go of an event released long ago.</summary>
    Task<EventRun> GetRunAsync(string taskId);
}

internal static class TaskShardLifecycleExtensions
{
    public static ITaskShardLifecycle ShardLifecycle(this IGrainFactory grains, string taskId)
        => grains.GetGrain<ITaskShardLifecycle>(TaskShards.For(taskId));
}
