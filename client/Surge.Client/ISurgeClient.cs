namespace Surge.Client;

/// <summary>How services submit tasks to Surge and follow them.</summary>
public interface ISurgeClient
{
    /// <summary>
    /// Validates and submits a task. When this returns, the task is recorded and will reach a final state.
    /// Submitting the same id again returns the first submission's status and runs nothing.
    /// </summary>
    /// <exception cref="SurgeValidationException">The input is bad; the exception names the field.</exception>
    /// <exception cref="SurgeUnavailableException">
    /// The store (Redis) refused after <see cref="SurgeClientOptions.MaxRetries"/> quick retries, or no live silo took the
    /// call within <see cref="SurgeClientOptions.FailoverTimeout"/>; safe to retry. A silo's death alone is ridden out.
    /// </exception>
    Task<TaskStatus> SubmitAsync(TaskSpec spec, CancellationToken cancellationToken = default);

    /// <summary>
    /// Submits the task and waits until it is final, in one round trip for tasks that finish within a wait slice
    /// (<see cref="SurgeClientOptions.WaitSlice"/>). Same guarantees as <see cref="SubmitAsync"/> then <see cref="WaitAsync"/>.
    /// </summary>
    Task<TaskStatus> RunAsync(TaskSpec spec, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until the task is final. Throws <see cref="KeyNotFoundException"/> for an unknown id and
    /// <see cref="TimeoutException"/> after <paramref name="timeout"/>; null or <see cref="Timeout.InfiniteTimeSpan"/>
    /// waits until the task is final, and a negative one throws <see cref="ArgumentOutOfRangeException"/>. A failover
    /// during the wait (a gateway or the task's shard unreachable for a while) does not end it, nor does a store
    /// refusal; but when no silo has answered for <see cref="SurgeClientOptions.FailoverTimeout"/> (every silo gone, or
    /// this client cut off) it throws <see cref="SurgeUnavailableException"/> naming that setting, whatever the timeout.
    /// </summary>
    Task<TaskStatus> WaitAsync(string taskId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>The task's status, or null when no task has this id.</summary>
    Task<TaskStatus?> GetStatusAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Every active silo: its routing mode, slots and task types.</summary>
    Task<SiloInfo[]> GetSilosAsync(CancellationToken cancellationToken = default);

    /// <summary>Every pool of every active silo.</summary>
    Task<PoolStats[]> GetPoolsAsync(CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> entity events held for a predecessor, across the cluster, oldest first.</summary>
    Task<TaskStatus[]> GetHeldAsync(int max = 50, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels a task: queued, held or waiting to retry, it never starts; running, its handler's token is cancelled.
    /// Returns its status (<see cref="TaskState.Cancelled"/>, or the final state it had already reached), or null
    /// when no task has this id. Safe to repeat.
    /// </summary>
    Task<TaskStatus?> CancelAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> dead-lettered tasks across the cluster, latest failure first.</summary>
    Task<TaskStatus[]> GetDeadLettersAsync(int max = 50, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a dead-lettered task again with a fresh retry budget; null when no task has this id.
    /// Throws <see cref="SurgeValidationException"/> when the task is not dead-lettered.
    /// </summary>
    Task<TaskStatus?> RetryDeadLetterAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Forgets one dead-lettered task, or all of them when <paramref name="taskId"/> is null; returns how many.</summary>
    Task<int> PurgeDeadLettersAsync(string? taskId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers (or replaces) a recurring submission: a task of <see cref="ScheduleSpec.Type"/> at each instant of its
    /// cron expression (UTC). Kept in the cluster's storage and reminders, so it survives restarts; each instant runs once.
    /// </summary>
    /// <exception cref="SurgeValidationException">Bad name, cron expression, type or payload; the exception names the field.</exception>
    Task<ScheduleStatus> ScheduleAsync(ScheduleSpec schedule, CancellationToken cancellationToken = default);

    /// <summary>Stops and forgets a schedule; false when none has this name.</summary>
    Task<bool> UnscheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every registered schedule, by name.</summary>
    Task<ScheduleStatus[]> GetSchedulesAsync(CancellationToken cancellationToken = default);

    /// <summary>The autoscaler's newest decisions (concurrency and replicas), with inputs and reasons, newest last.</summary>
    Task<AutoscaleDecision[]> GetAutoscaleHistoryAsync(int max = 100, CancellationToken cancellationToken = default);

    /// <summary>Per silo group, the pod memory request and limit its tasks call for; recommended, never applied.</summary>
    Task<MemoryRecommendation[]> GetMemoryRecommendationsAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets one pool's concurrency limit on one silo (a key from <see cref="PoolStats.Silo"/>); returns the limit applied.</summary>
    Task<int> SetConcurrencyAsync(string silo, PoolKind pool, int limit, CancellationToken cancellationToken = default);
}
