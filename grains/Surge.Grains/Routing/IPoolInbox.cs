namespace Surge.Routing;

/// <summary>
/// This silo's pools as shards on other silos reach them (silo groups): keyed by this silo's address and placed here by
/// it, so a shard sends a pool's work to the silo its record names, never to a silo that does not host the pool. The
/// items come routed: the shard chose the pool before it chose the silo. Internal: only task shards call it.
/// </summary>
internal interface IPoolInbox : IGrainWithStringKey
{
    /// <summary>Queues the batch in this silo's pools; returns once queued (or started). Throws, queuing nothing, if a pool is not hosted here.</summary>
    Task EnqueueAsync(DispatchBatch batch);
}
