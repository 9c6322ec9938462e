using Microsoft.Extensions.Logging;

namespace Surge.Entities;

internal sealed partial class EntityShardGrain
{
    [LoggerMessage(1, LogLevel.Warning, "Event {TaskId} of entity {Entity} failed without running: {Reason}")]
    private partial void LogExpired(string taskId, string entity, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Event {TaskId} of entity {Entity}: its shard did not answer ({Error}); its upkeep hands it over again")]
    private partial void LogShardUnreachable(string taskId, string entity, string error);

    [LoggerMessage(3, LogLevel.Warning, "Event {TaskId} of entity {Entity} was released long ago and its record says {Run}: the entity moves on")]
    private partial void LogSettled(string taskId, string entity, EventRun run);

    [LoggerMessage(4, LogLevel.Warning, "The book of entity {Entity} could not be stored ({Error}): it is read again from storage when next needed")]
    private partial void LogNotStored(string entity, string error);

    [LoggerMessage(5, LogLevel.Warning, "Entity shard {Shard} was claimed by a newer activation (this one's claim {Claim}); its write was refused, and it deactivates")]
    private partial void LogClaimLost(int shard, long claim);

    [LoggerMessage(6, LogLevel.Information, "Entity shard {Shard} was addressed to this silo while it drains; it serves nothing here, and its calls go on to {Silo}")]
    private partial void LogLeavingDrainingSilo(int shard, string silo);
}
