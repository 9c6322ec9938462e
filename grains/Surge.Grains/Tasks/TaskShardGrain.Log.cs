using Microsoft.Extensions.Logging;

namespace Surge.Tasks;

internal sealed partial class TaskShardGrain
{
    [LoggerMessage(1, LogLevel.Warning, "Shard {Shard} came back with {Count} unfinished tasks from a silo that is gone: running them again")]
    private partial void LogRecovered(int shard, int count);

    [LoggerMessage(2, LogLevel.Information, "Shard {Shard} moves to {Silo}, where placement now puts it")]
    private partial void LogMoving(int shard, string silo);

    [LoggerMessage(3, LogLevel.Warning, "Event {TaskId} could not be handed to entity {Entity} ({Error}); upkeep tries again")]
    private partial void LogEntityUnreachable(string taskId, string entity, string error);
}
