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
    /// <paramref name="maxWait"/> (at most <see cref="TaskShards.MaxWait"/>) with its current status. Once it returns,
    /// the task is recorded as with SubmitAsync.
    /// </summary>
    [AlwaysInterleave]
    Task<TaskStatus> SubmitAndWaitAsync(TaskSpec spec, TimeSpan maxWait);

    /// <summary>Up to <paramref name="max"/> entity events this shard holds for a predecessor, oldest first.</summary>
    [ReadOnly]
    Task<TaskStatus[]> GetHeldAsync(int max);

    /// <summary>The task's status, or null when this shard has no task with this id.</summary>
    Task<TaskStatus?> GetStatusAsync(string taskId);

    /// <summary>
    /// Returns as soon as the task is final, or after <paramref name="maxWait"/> (at most <see cref="TaskShards.MaxWait"/>)
    /// with its current status (null when unknown). Callers loop for longer waits, which keeps each call under the
    /// messaging timeout.
    /// </summary>
    [AlwaysInterleave]
    Task<TaskStatus?> WaitAsync(string taskId, TimeSpan maxWait);

    /// <summary>
    /// Cancels the task: queued, held or retrying, it never starts; running, its token is cancelled. Its state becomes
    /// <see cref="TaskState.Cancelled"/>. A final task is left as it is. Null when this shard has no such task.
    /// </summary>
    Task<TaskStatus?> CancelAsync(string taskId);

    /// <summary>Up to <paramref name="max"/> dead-lettered tasks of this shard, latest failure first.</summary>
    [ReadOnly]
    Task<TaskStatus[]> GetDeadLettersAsync(int max);

    /// <summary>
    /// Runs a dead-lettered task again with a fresh retry budget (an entity event goes back to its entity and its
    /// order rules). Null when this shard has no such task; throws <see cref="SurgeValidationException"/> when the task
    /// is not dead-lettered.
    /// </summary>
    Task<TaskStatus?> RetryDeadLetterAsync(string taskId);

    /// <summary>
    /// <see cref="RetryDeadLetterAsync(string)"/> of the dead letter that had counted <paramref name="deadLetterAttempts"/>
    /// attempts: once that retry is stored, asking again answers the task's status and retries nothing more. What
    /// clients call, so that a call they repeat after a lost answer (a timeout, a failover) does not run the task twice.
    /// </summary>
    Task<TaskStatus?> RetryDeadLetterAsync(string taskId, int deadLetterAttempts);

    /// <summary>Forgets dead-lettered tasks: the one given, or every one when <paramref name="taskId"/> is null. Returns how many.</summary>
    Task<int> PurgeDeadLettersAsync(string? taskId);
}
