namespace Surge.Entities;

/// <summary>
/// What an entity tells the shard that owns one of its events. Declared here, and extended by the shard's own
/// lifecycle interface, so that entities know nothing of tasks: Tasks depends on Entities, never the reverse.
/// </summary>
internal interface IEventShard : IGrainWithIntegerKey
{
    /// <summary>An entity event waited past its hold limit for its predecessor: it fails without running.</summary>
    Task OnExpiredAsync(string taskId, string reason);

    /// <summary>
    /// Its entity released a held event: the shard dispatches it. One-way: the entity has stored the release, and
    /// hears back only when the event does not run after all (it ended meanwhile, or its submission was never stored).
    /// A release that is lost is found by the shard's upkeep, which hands the held event over again.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    Task OnReleasedAsync(string taskId, string entity);

    /// <summary>Where the task's run stands: an entity asks before it lets go of an event released long ago.</summary>
    Task<EventRun> GetRunAsync(string taskId);
}

internal static class EventShardExtensions
{
    /// <summary>The shard of <paramref name="taskId"/>: the grain that keeps its record.</summary>
    public static IEventShard EventShard(this IGrainFactory grains, string taskId)
        => ShardReferences<IEventShard>.Get(grains, TaskShards.For(taskId));
}
