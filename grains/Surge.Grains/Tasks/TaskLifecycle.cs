using Surge.Entities;
using Surge.Policies;
using Surge.Pools;

namespace Surge.Tasks;

/// <summary>
/// Every rule of a task's life, over its immutable <see cref="TaskRecord"/>: submit, release by its entity, start,
/// finish, retry, cancel, expire, dead-letter and its retry, and recovery after its silo stopped. Pure: no Orleans,
/// no I/O, time and randomness passed in. Each rule returns the next record and the effects to carry out once that
/// record is stored; the shard stores first, so nothing is seen, run or told before it is durable.
/// </summary>
/// <remarks>
/// Invariants (checked after every step of randomized runs in <c>TaskLifecycleTests</c>): a final record never changes
/// (but for the silo of a run that is over); a dispatch is stored before it happens, with its attempt counted and the
/// silo it runs on (<see cref="TaskRecord.RanOn"/>), so a handler runs at most MaxAttempts + MaxCrashRecoveries times
/// per budget and a run is started again only once the silo that ran it is gone; an entity hears that its event is
/// over only when the record is final and no run of it is left. Where a dispatch goes (<c>here</c> in each rule) is the
/// silo that hosts the task's pool, not necessarily the shard's: null when no silo hosts it now, and then the task
/// waits queued and undispatched, its attempt not counted, until the shard's upkeep finds a silo (silo groups).
/// </remarks>
internal static class TaskLifecycle
{
    /// <summary>A new submission, dispatched on silo <paramref name="here"/>. <paramref name="held"/>: an entity event its entity holds for a predecessor.</summary>
    public static Transition Submit(TaskRecord? current, TaskSpec spec, DateTimeOffset now, string? here, bool held = false)
    {
        if (current is not null) return new(current); // the first submission stands
        var record = new TaskRecord { Spec = spec, State = TaskState.Held, SubmittedAt = now };
        return held ? new(record) : Dispatch(record, here, TaskEffects.None, now);
    }

    /// <summary>A submission answered from the result cache of its deterministic type: final at once, nothing runs.</summary>
    public static Transition SubmitCached(TaskRecord? current, TaskSpec spec, DateTimeOffset now, ReadOnlyMemory<byte> result)
        => current is not null ? new(current)
            : new(new TaskRecord { Spec = spec, State = TaskState.Succeeded, SubmittedAt = now, FinishedAt = now, Result = result, FromCache = true },
                TaskEffects.WakeWaiters);

    /// <summary>Its entity released a held event: it runs now, on <paramref name="here"/>.</summary>
    public static Transition Released(TaskRecord record, string? here, DateTimeOffset? now = null)
        => record.State == TaskState.Held ? Dispatch(record, here, TaskEffects.None, now) : new(record);

    /// <summary>A pool started attempt <paramref name="start"/>.Attempt, in the pool its classifier chose. Only the current dispatch moves the record.</summary>
    public static Transition Started(TaskRecord record, TaskStart start)
        => record.State == TaskState.Queued && IsCurrentDispatch(record, start.Attempt)
            ? new(record with { State = TaskState.Running, StartedAt = start.StartedAt, Pool = start.Pool, PredictedMs = start.PredictedMs })
            : new(record);

    /// <summary>
    /// Whether a report of dispatch <paramref name="attempt"/> is of the record's current dispatch. Its number alone does
    /// not say: a record waiting undispatched (for a host, after a hand-back, or as a dead letter's retry) keeps the number
    /// of the dispatch that last reported, so a late or second delivery of that report would pass for a run of the wait.
    /// A dispatch is current only while the record names its silo (<see cref="TaskRecord.RanOn"/>), which every dispatch
    /// stores with its number, and which every report, recovery or cancel that ends it clears.
    /// </summary>
    private static bool IsCurrentDispatch(TaskRecord record, int attempt) => attempt == record.Attempts && record.RanOn is not null;

    /// <summary>
    /// A dispatch reported its end: it ran, or it never started (cancelled while queued, handed over by a draining
    /// silo). A success of any attempt of the current budget is the result (the first final outcome is kept); a failure
    /// decides only for the current dispatch (<see cref="IsCurrentDispatch"/>), whose report also says no run of the task
    /// is left. A report of an earlier budget (before a dead letter's retry) changes nothing.
    /// </summary>
    public static Transition Finished(TaskRecord record, TaskOutcome outcome, TaskPolicy policy, double random, DateTimeOffset now)
    {
        // A dispatch of a budget before a dead letter's retry: that budget's outcome was decided (dead-lettered), and its
        // late success was dropped then; the retry is a budget of its own, which no run of the earlier one decides.
        if (outcome.Attempt <= record.AttemptsBefore) return new(record);
        var current = IsCurrentDispatch(record, outcome.Attempt);
        if (record.State.IsFinal())
        {
            // A cancel, or a late report: the first final outcome stays; its run is over now, so its entity may move on.
            if (!current) return new(record);
            var over = record with { RanOn = null };
            return new(over, EndInEntity(over));
        }
        if (record.State == TaskState.Held) return new(record);
        if (!outcome.Ran)
        {
            // Handed back before it started: un-dispatched, so running it elsewhere is not counted as a crash. Its number
            // stays taken (the next dispatch has its own), so a second delivery of this report matches no later dispatch,
            // nor the wait before it (no silo named): it is not counted twice.
            return current && record.State is TaskState.Queued or TaskState.Running
                ? new(record with { State = TaskState.Queued, HandBacks = record.HandBacks + 1, RanOn = null, StartedAt = null, Silo = null })
                : new(record);
        }
        if (!outcome.Succeeded && (!current || record.State == TaskState.Retrying)) return new(record);
        var ranOn = current ? null : record.RanOn;
        record = record.WithAttempt(new AttemptStatus(outcome.Attempt, outcome.Succeeded ? TaskState.Succeeded : TaskState.Failed, outcome.Pool,
            outcome.PredictedMs, outcome.StartedAt, outcome.FinishedAt, outcome.Error, record.RanOn));
        if (outcome.Succeeded)
        {
            var succeeded = record with
            {
                State = TaskState.Succeeded, Pool = outcome.Pool, PredictedMs = outcome.PredictedMs, StartedAt = outcome.StartedAt,
                FinishedAt = outcome.FinishedAt, Error = null, Result = outcome.Result, NextAttemptAt = null, RanOn = ranOn,
            };
            return new(succeeded, TaskEffects.WakeWaiters | TaskEffects.DisarmRetry | EndInEntity(succeeded));
        }
        // Its error is bounded where the run ends (PoolRunner), and again here for a report from a silo that did not.
        var failedRuns = record.Attempts - record.AttemptsBefore - record.Recoveries - record.HandBacks;
        if (failedRuns < (record.Spec.MaxAttempts ?? policy.MaxAttempts) && RetryBackoff.Retries(policy, outcome.ErrorType))
        {
            var delay = RetryBackoff.Delay(policy, failedRuns, random);
            return new(record with
            {
                State = TaskState.Retrying, NextAttemptAt = now + delay, Error = TaskStatus.BoundError(outcome.Error), Pool = outcome.Pool,
                StartedAt = outcome.StartedAt, FinishedAt = null, RanOn = null,
            }, TaskEffects.ArmRetry | TaskEffects.CountRetry);
        }
        var failed = record with
        {
            State = TaskState.Failed, DeadLettered = true, Pool = outcome.Pool, PredictedMs = outcome.PredictedMs,
            StartedAt = outcome.StartedAt, FinishedAt = outcome.FinishedAt, Error = TaskStatus.BoundError(outcome.Error), NextAttemptAt = null, RanOn = null,
        };
        return new(failed, TaskEffects.WakeWaiters | TaskEffects.CountDeadLetter | EndInEntity(failed));
    }

    /// <summary>A retry's time came: the next attempt is dispatched on <paramref name="here"/>.</summary>
    public static Transition RetryDue(TaskRecord record, string? here, DateTimeOffset? now = null)
        => record.State == TaskState.Retrying ? Dispatch(record with { NextAttemptAt = null }, here, TaskEffects.None, now) : new(record);

    /// <summary>
    /// A caller cancels: queued, held or retrying, it never starts; running, its token is cancelled. Final at once;
    /// the entity moves on only when no run of it is left. <paramref name="runAlive"/>: the silo in
    /// <see cref="TaskRecord.RanOn"/> still holds the dispatch, which will report when it has ended.
    /// </summary>
    public static Transition Cancel(TaskRecord record, DateTimeOffset now, bool runAlive)
    {
        if (record.State.IsFinal()) return new(record);
        if (record.State is TaskState.Queued or TaskState.Running)
            record = record.WithAttempt(new AttemptStatus(record.Attempts, TaskState.Cancelled, record.Pool, record.PredictedMs, record.StartedAt, now, "cancelled by request", record.RanOn));
        var cancelled = record with
        {
            State = TaskState.Cancelled, Error = "cancelled by request", FinishedAt = now, NextAttemptAt = null,
            RanOn = runAlive ? record.RanOn : null,
        };
        var effects = TaskEffects.WakeWaiters | TaskEffects.DisarmRetry;
        if (runAlive) effects |= TaskEffects.CancelRun;
        effects |= record.State == TaskState.Held ? EntityOnly(record, TaskEffects.DropFromEntity) : EndInEntity(cancelled);
        return new(cancelled, effects);
    }

    /// <summary>An entity event waited past its hold limit: it fails without running (its entity has let it go).</summary>
    public static Transition Expired(TaskRecord record, string reason, DateTimeOffset now)
        => record.State != TaskState.Held
            ? new(record)
            : new(record with { State = TaskState.Failed, Error = reason, FinishedAt = now, DeadLettered = true }, TaskEffects.WakeWaiters | TaskEffects.CountDeadLetter);

    /// <summary>
    /// A dead letter runs again with a fresh budget. An entity event goes back to its entity first, which may hold it
    /// (<paramref name="held"/>) until what runs there now has ended.
    /// </summary>
    public static Transition RetryDeadLetter(TaskRecord record, string? here, bool held, DateTimeOffset? now = null, int? deadLetterAttempts = null)
    {
        if (AlreadyRetried(record, deadLetterAttempts)) return new(record);
        if (!record.DeadLettered)
        {
            return new(record, Refusal: new SurgeValidationException("id",
                $"task '{record.Id}' is {record.State}, not dead-lettered; only dead-lettered tasks are retried (see 'surge dead list')"));
        }
        var again = record with
        {
            State = TaskState.Held, DeadLettered = false, AttemptsBefore = record.Attempts, Recoveries = 0, HandBacks = 0,
            StartedAt = null, FinishedAt = null, NextAttemptAt = null, Result = ReadOnlyMemory<byte>.Empty,
        };
        return held ? new(again) : Dispatch(again, here, TaskEffects.None, now);
    }

    /// <summary>
    /// The retry of the dead letter that had counted <paramref name="deadLetterAttempts"/> attempts is stored already
    /// (a retry keeps them as <see cref="TaskRecord.AttemptsBefore"/>): asked again, nothing more is retried.
    /// </summary>
    public static bool AlreadyRetried(TaskRecord record, int? deadLetterAttempts) => deadLetterAttempts is { } n && record.AttemptsBefore >= n;

    /// <summary>
    /// The shard checks a task whose dispatch it did not make (after it came back on another silo) or whose silo may be
    /// gone. A run whose silo is alive is left alone: it reports. One whose silo is gone died with it and is dispatched
    /// again on <paramref name="here"/> as a crash recovery, or past <paramref name="maxRecoveries"/> dead-lettered as
    /// poison; a dispatch handed back before it started runs again uncounted. Retrying tasks keep their time; held
    /// events stay with their entity.
    /// </summary>
    public static Transition Recover(TaskRecord record, int maxRecoveries, string? here, DateTimeOffset now, bool runAlive)
    {
        if (record.State == TaskState.Retrying) return new(record, TaskEffects.ArmRetry);
        if (runAlive) return new(record);
        if (record.State.IsFinal())
        {
            if (record.RanOn is null) return new(record);
            var over = record with { RanOn = null }; // cancelled while it ran, and its silo died: its run is over
            return new(over, EndInEntity(over));
        }
        if (record.State is not (TaskState.Queued or TaskState.Running)) return new(record);
        // Undispatched (handed back, or waiting for a silo that hosts its pool): it goes now, uncounted, if one does.
        if (record.RanOn is null) return here is null ? new(record, TaskEffects.AwaitHost) : Dispatch(record, here, TaskEffects.None, now);
        var stops = record.Recoveries + 1;
        record = record.WithAttempt(new AttemptStatus(record.Attempts, TaskState.Failed, record.Pool, record.PredictedMs, record.StartedAt, now,
            "its silo stopped while it was queued or running", record.RanOn));
        if (record.Recoveries >= maxRecoveries)
        {
            var poison = record with
            {
                State = TaskState.Failed, DeadLettered = true, FinishedAt = now, NextAttemptAt = null, RanOn = null,
                Error = $"poison: its silo stopped {stops} times while running it (Surge:Tasks:MaxCrashRecoveries is {maxRecoveries})",
            };
            return new(poison, TaskEffects.WakeWaiters | TaskEffects.CountDeadLetter | TaskEffects.CountPoison | EndInEntity(poison));
        }
        return Dispatch(record with { Recoveries = stops }, here, TaskEffects.CountRecovery, now);
    }

    /// <summary>
    /// On a shard's activation: the other silo a loaded record's dispatch went to, when that silo must be asked whether
    /// it holds it (null: nothing to ask). The activation that sent it may have died with the batch on its way, and a
    /// run whose silo is alive is otherwise left to report; a silo that says it does not hold it lets recovery run it.
    /// </summary>
    public static string? UnsureAfterActivation(TaskRecord record, string here)
        => MayStillRun(record) && record.RanOn is { } ranOn && ranOn != here ? ranOn : null;

    /// <summary>
    /// Whether retention may forget the record: final before <paramref name="cutoff"/>, and no run of it left. One
    /// cancelled while it runs stays until that run reports (or its silo is gone): forgotten before, its run's end
    /// would find nothing, and its entity would be told the event is unknown while it still runs.
    /// </summary>
    public static bool MayForget(TaskRecord record, DateTimeOffset cutoff)
        => record.State.IsFinal() && !MayStillRun(record) && record.FinishedAt < cutoff;

    /// <summary>
    /// Where an entity event's run stands, as its entity is told (null: no record). <paramref name="runAlive"/>: the
    /// silo of its current dispatch may still run it or report. One that failed at its hold limit is "unknown", as if it
    /// had no record: it never ran and is not handled, so its entity lets it go without counting it. The entity let it
    /// go at the expiry, but may have it again: the shard lists it as held until the expiry reaches its record, and its
    /// upkeep's hand-over may land in between; told "ended", the entity would count it handled and release its successors.
    /// </summary>
    public static EventRun RunOf(TaskRecord? record, bool runAlive) => record switch
    {
        null => EventRun.Unknown,
        { State: TaskState.Held } => EventRun.Held,
        _ when ExpiredHeld(record) => EventRun.Unknown,
        _ when record.State.IsFinal() && !runAlive => EventRun.Ended,
        _ => EventRun.Running,
    };

    /// <summary>Failed at its entity's hold limit (<see cref="Expired"/>): failed with no dispatch in its current budget.</summary>
    public static bool ExpiredHeld(TaskRecord record) => record.State == TaskState.Failed && record.Attempts == record.AttemptsBefore;

    /// <summary>Whether <see cref="Recover"/> may have something to do for this record.</summary>
    public static bool MayNeedRecovery(TaskRecord record)
        => record.State is TaskState.Queued or TaskState.Running or TaskState.Retrying || record.RanOn is not null;

    /// <summary>Not final, or final with its run still on a silo: what <see cref="MayNeedRecovery"/> and a shard's move look at.</summary>
    public static bool MayStillRun(TaskRecord record) => !record.State.IsFinal() || record.RanOn is not null;

    // Stored with its attempt counted and its silo named before a classifier sees it: a crash cannot hide a run. Its
    // pool is the classifier's choice, learnt when it starts. With no silo to go to (no silo hosts its pool), it waits
    // queued and undispatched: nothing runs, so nothing is counted, and Recover dispatches it once a silo does.
    private static Transition Dispatch(TaskRecord record, string? here, TaskEffects effects, DateTimeOffset? now)
    {
        var error = record.State == TaskState.Retrying ? record.Error : null;
        if (here is null)
        {
            return new(record with
            {
                State = TaskState.Queued, Pool = null, PredictedMs = null, StartedAt = null, RanOn = null, Silo = null, Error = error,
            }, effects | TaskEffects.AwaitHost);
        }
        return new(record with
        {
            State = TaskState.Queued, QueuedAt = now ?? record.QueuedAt, Attempts = record.Attempts + 1, Pool = null, PredictedMs = null,
            StartedAt = null, RanOn = here, Silo = here, Error = error,
        }, effects | TaskEffects.Dispatch);
    }

    private static TaskEffects EndInEntity(TaskRecord record)
        => record.RanOn is null && record.State.IsFinal() ? EntityOnly(record, TaskEffects.EndInEntity) : TaskEffects.None;

    private static TaskEffects EntityOnly(TaskRecord record, TaskEffects effect) => record.Spec.Entity is null ? TaskEffects.None : effect;
}
