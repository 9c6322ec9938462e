using Orleans.Concurrency;

namespace Surge.Entities;

/// <summary>
/// The order books of the entities whose keys hash to one shard (as task ids do to task shards). It decides only the
/// order: which event of an entity may run now. The tasks' shards own everything else (attempts, runs, outcomes) and
/// tell it when an event's run is over. One long-lived grain holds many books, so an entity's events cost no grain
/// activation of their own.
/// </summary>
internal interface IEntityShardGrain : IGrainWithIntegerKey
{
    /// <summary>Takes an event before its task is recorded: released to run now, held, or refused when full. Idempotent.</summary>
    Task<Admission> AdmitAsync(string entity, EntityEvent e);

    /// <summary>A dead letter runs again: it goes back to its place in the entity's order. Idempotent.</summary>
    Task<Admission> ReadmitAsync(string entity, EntityEvent e);

    /// <summary>
    /// The event is final and no run of it is left: it counts as handled, and the next ready event is released.
    /// One-way: its shard has nothing to do with the answer, and an end that is lost is found by the entity itself,
    /// which asks the record of an event that runs for long before anything waits behind it.
    /// </summary>
    [OneWay]
    Task OnEventEndedAsync(string entity, string taskId);

    /// <summary>
    /// <see cref="OnEventEndedAsync(string, string)"/> of the run of budget <paramref name="budget"/>
    /// (<see cref="EntityEvent.Budget"/>): an end that arrives after its dead letter was retried does not end the retry's
    /// run. What shards now send.
    /// </summary>
    [OneWay]
    Task OnRunEndedAsync(string entity, string taskId, int budget);

    /// <summary>
    /// An admitted event whose task could not be recorded: forgotten, not handled, once its shard confirms it does not
    /// know the task (a retry may have recorded it since).
    /// </summary>
    Task WithdrawAsync(string entity, string taskId);

    /// <summary>
    /// The records of these final events are about to be forgotten (retention, or a purge of dead letters). Each one a
    /// book still holds counts as handled, and the book is stored before the answer. Forgotten, a record answers
    /// "unknown", and the entity would drop an event it still held as running (its end lost with a silo) without
    /// counting it handled: its successors would wait for it until their hold limit.
    /// </summary>
    Task EndBeforeForgetAsync(IReadOnlyList<EventOfEntity> events);

    /// <summary>What the entity's book says now, for the status page's entity search.</summary>
    Task<EntityBookView> GetBookAsync(string entity);
}

/// <summary>An event, named by its task id, of one entity.</summary>
[GenerateSerializer, Immutable]
internal readonly record struct EventOfEntity([property: Id(0)] string Entity, [property: Id(1)] string TaskId);

/// <summary>One entity's order book, reached through its shard.</summary>
internal readonly record struct EntityRef(IEntityShardGrain Shard, string Key)
{
    public Task<Admission> AdmitAsync(EntityEvent e) => Shard.AdmitAsync(Key, e);

    public Task<Admission> ReadmitAsync(EntityEvent e) => Shard.ReadmitAsync(Key, e);

    public Task OnEventEndedAsync(string taskId, int budget) => Shard.OnRunEndedAsync(Key, taskId, budget);

    public Task WithdrawAsync(string taskId) => Shard.WithdrawAsync(Key, taskId);
}

internal static class EntityShards
{
    /// <summary>The shard of an entity: the same hash and count as task ids', so shard n of both lives on one silo.</summary>
    public static int For(string entity) => TaskShards.For(entity);

    public static EntityRef Entity(this IGrainFactory grains, string entity)
        => new(EntityShard(grains, For(entity)), entity);

    public static IEntityShardGrain EntityShard(this IGrainFactory grains, int shard) => ShardReferences<IEntityShardGrain>.Get(grains, shard);
}
