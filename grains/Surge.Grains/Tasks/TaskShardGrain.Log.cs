using Microsoft.Extensions.Logging;

namespace Surge.Tasks;

internal sealed partial class TaskShardGrain
{
    [LoggerMessage(1, LogLevel.Warning, "Task {TaskId} of shard {Shard} was queued or running on a silo that stopped: attempt {Attempt} dispatched again (crash recovery {Recoveries})")]
    private partial void LogRecovered(string taskId, int shard, int attempt, int recoveries);

    [LoggerMessage(2, LogLevel.Information, "Shard {Shard} moves to {Silo}, where placement now puts it (seen active for {ActiveForSeconds:F0} s), with {Open} unfinished tasks; {HandedBack} queued here are handed back to run there")]
    private partial void LogMoving(int shard, string silo, int open, int handedBack, double activeForSeconds);

    [LoggerMessage(3, LogLevel.Warning, "Event {TaskId} could not be handed to entity {Entity} ({Error}); upkeep tries again")]
    private partial void LogEntityUnreachable(string taskId, string entity, string error);

    [LoggerMessage(8, LogLevel.Warning, "Entity {Entity} could not be told about event {TaskId} ({Error}); it asks the event's record before its next event waits")]
    private partial void LogEntityNotTold(string taskId, string entity, string error);

    [LoggerMessage(9, LogLevel.Warning, "Event {TaskId} released by entity {Entity} could not be recorded ({Error}); upkeep hands it over again")]
    private partial void LogReleaseNotStored(string taskId, string entity, string error);

    [LoggerMessage(4, LogLevel.Information, "Task {TaskId} attempt {Attempt} failed ({Error}); attempt {Next} in {Delay}")]
    private partial void LogRetrying(string taskId, int attempt, string? error, int next, TimeSpan delay);

    [LoggerMessage(5, LogLevel.Warning, "Task {TaskId} of type {Type} dead-lettered after {Attempts} attempt(s): {Error}")]
    private partial void LogDeadLettered(string taskId, string type, int attempts, string? error);

    [LoggerMessage(6, LogLevel.Warning, "Cancel of task {TaskId} could not reach silo {Silo} ({Error})")]
    private partial void LogCancelUnreachable(string taskId, string silo, string error);

    [LoggerMessage(7, LogLevel.Warning, "Result cache unavailable for task {TaskId} ({Error}); running it")]
    private partial void LogCacheUnavailable(string taskId, string error);

    [LoggerMessage(11, LogLevel.Warning, "Dispatch of {Count} tasks to the pools failed ({Error}); the next upkeep dispatches them again")]
    private partial void LogDispatchFailed(int count, string error);

    [LoggerMessage(10, LogLevel.Warning, "Could not ask silo {Silo} whether it holds {Count} tasks whose batch failed ({Error}); asked again at the next upkeep")]
    private partial void LogProbeFailed(int count, string silo, string error);

    [LoggerMessage(12, LogLevel.Warning, "Shard {Shard} was claimed by a newer activation (this one's claim {Claim}); its write was refused, and it deactivates")]
    private partial void LogClaimLost(int shard, long claim);

    [LoggerMessage(13, LogLevel.Warning, "Task {TaskId}: a change its caller was told failed may be stored all the same, and could not be taken back ({Error}); upkeep tries again, and an entity keeps its event until then")]
    private partial void LogUndoFailed(string taskId, string error);

    [LoggerMessage(15, LogLevel.Warning, "A change of {Count} task(s), the first {TaskId}, that its caller was told failed may be stored all the same, and could not be taken back yet ({Error}); upkeep tries again")]
    private partial void LogTakeBackFailed(int count, string taskId, string error);

    [LoggerMessage(14, LogLevel.Warning, "Entity shard {EntityShard} could not store the ends of {Count} events whose records are due to go ({Error}); they are kept until the next sweep")]
    private partial void LogEndsNotStored(int count, int entityShard, string error);

    [LoggerMessage(17, LogLevel.Information, "Shard {Shard} was addressed to this silo while it drains; it serves nothing here, and its calls go on to {Silo}")]
    private partial void LogLeavingDrainingSilo(int shard, string silo);

    [LoggerMessage(16, LogLevel.Debug, "Shard {Shard} could not ask silo {Silo} whether it drains ({Error}); with a backlog it stays, and asks again at the next upkeep")]
    private partial void LogDrainQuestionFailed(int shard, string silo, string error);
}
