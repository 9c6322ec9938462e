using Orleans.Concurrency;

namespace Surge;

/// <summary>
/// The records of the tasks whose ids hash to this shard (see <see cref="TaskShards.For"/>): accepts each task once
/// (its id is the idempotency key), dispatches it, and keeps the first final outcome. A fixed set of long-lived
/// shards instead of a grain per task: creating an activation per task costs more than the rest of a task's path.
/// </summary>
public interface ITaskShardGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Records and dispatches the task. Submitting an id again returns the existing status and runs nothing.
    /// Throws <see cref="SurgeValidationException"/> for bad input.
    /// </summary>
    Task<TaskStatus> SubmitAsync(TaskSpec spec);

    /// <summary>
    /// <see cref="SubmitAsync"/> and <see cref="WaitAsync"/> in one round trip: returns when the task is final, or after
    /// <paramref name="maxWait"/> with its current status. Once it returns, the task is recorded as with SubmitAsync.
    /// </summary>
    [AlwaysInterleave]
    Task<TaskStatus> SubmitAndWaitAsync(TaskSpec spec, TimeSpan maxWait);

    /// <summary>Up to <paramref name="max"/> entity events this shard holds for a predecessor, oldest first.</summary>
    [ReadOnly]
    Task<TaskStatus[]> GetHeldAsync(int max);

    /// <summary>The task's status, or null when this shard has no task with this id.</summary>
    Task<TaskStatus?> GetStatusAsync(string taskId);

    /// <summary>
    /// Returns as soon as the task is final, or after <paramref name="maxWait"/> with its current status (null when
    /// unknown). Callers loop for longer waits, which keeps each call under the messaging timeout.
    /// </summary>
    [AlwaysInterleave]
    Task<TaskStatus?> WaitAsync(string taskId, TimeSpan maxWait);
}
