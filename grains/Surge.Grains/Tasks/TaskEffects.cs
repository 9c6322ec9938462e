namespace Surge.Tasks;

/// <summary>
/// What the shard must do once a new record is stored. The lifecycle decides them; the shard carries them out, in
/// this order: its own (dispatch, timers, waiters) at once, calls to other grains after it lets go of the task.
/// </summary>
[Flags]
internal enum TaskEffects
{
    None = 0,
    /// <summary>Queue the task in this silo's pools as attempt <see cref="TaskRecord.Attempts"/>.</summary>
    Dispatch = 1 << 0,
    /// <summary>Callers waiting for the task hear of its new (final) state.</summary>
    WakeWaiters = 1 << 1,
    /// <summary>Arm the retry timer for <see cref="TaskRecord.NextAttemptAt"/>.</summary>
    ArmRetry = 1 << 2,
    /// <summary>Disarm the retry timer: the task will not be retried.</summary>
    DisarmRetry = 1 << 3,
    /// <summary>Cancel the run (or the queued dispatch) in this silo's executor; it reports when it has ended.</summary>
    CancelRun = 1 << 4,
    /// <summary>Tell the entity its running event is over (final, and no run of it is left): it releases the next.</summary>
    EndInEntity = 1 << 5,
    /// <summary>Tell the entity a held event is final without running: it leaves, and counts as handled.</summary>
    DropFromEntity = 1 << 6,
    /// <summary>Count a retry (metric, log).</summary>
    CountRetry = 1 << 8,
    /// <summary>Count a dead letter (metric, log).</summary>
    CountDeadLetter = 1 << 9,
    /// <summary>Count a task dead-lettered as poison: its silo kept stopping while it ran.</summary>
    CountPoison = 1 << 10,
    /// <summary>Count a crash recovery (log).</summary>
    CountRecovery = 1 << 11,
    /// <summary>No silo hosts the task's pool now: it waits queued and undispatched (log, metric); upkeep tries again.</summary>
    AwaitHost = 1 << 12,
}

/// <summary>
/// A decision of the <see cref="TaskLifecycle"/>: the record to store (the same instance when nothing changes), the
/// effects to carry out after it is stored, and for a caller's request, the answer or the refusal.
/// </summary>
internal readonly record struct Transition(TaskRecord? Record, TaskEffects Effects = TaskEffects.None, SurgeValidationException? Refusal = null)
{
    public bool Has(TaskEffects effect) => (Effects & effect) != 0;
}
