using Surge.Policies;
using Surge.Routing;

namespace Surge.Tasks;

/// <summary>
/// Every rule of a task's life, over its immutable <see cref="TaskRecord"/>: submit, release by its entity, start,
/// finish, retry, cancel, expire, dead-letter and its retry, and recovery after its silo stopped. Pure: no Orleans,
/// no I/O, time and randomness passed in. Each rule returns the next record and the effects to carry out once that
/// record is stored; the shard stores first, so nothing is seen, run or told before it is durable.
/// </summary>
/// <remarks>
/// Invariants (checked after every step of randomized runs in <c>TaskLifecycleTests</c>):
/// a final record never changes; a dispatch is stored before it happens and counted in <see cref="TaskRecord.Attempts"/>,
/// so a handler runs at most MaxAttempts + MaxCrashRecoveries times per budget; an entity hears that its event is over
/// only when the record is final and no run of it is left.
/// </remarks>
internal static class TaskLifecycle
{
    /// <summary>A new submission. <paramref name="held"/>: an entity event its entity holds for a predecessor.</summary>
    public static Transition Submit(TaskRecord? current, TaskSpec spec, DateTimeOffset now, RouteDecision route, bool held = false)
    {
        if (current is not null) return new(current); // the first submission stands
        var record = new TaskRecord { Spec = spec, State = TaskState.Held, SubmittedAt = now };
        return held ? new(record) : Dispatch(record, route, TaskEffects.None);
    }

    /// <summary>A submission answered from the result cache of its deterministic type: final at once, nothing runs.</summary>
    public static Transition SubmitCached(TaskRecord? current, TaskSpec spec, DateTimeOffset now, ReadOnlyMemory<byte> result)
        => current is not null ? new(current)
            : new(new TaskRecord { Spec = spec, State = TaskState.Succeeded, SubmittedAt = now, FinishedAt = now, Result = result, FromCache = true },
                TaskEffects.WakeWaiters);

    /// <summary>Its entity released a held event: it runs now. The answer is whether it will run (false: it is final).</summary>
    public static Transition Released(TaskRecord record, RouteDecision route)
        => record.State == TaskState.Held ? Dispatch(record, route, TaskEffects.None) : new(record);

    /// <summary>The executor started attempt <paramref name="attempt"/>. Only the current dispatch moves the record.</summary>
    public static Transition Started(TaskRecord record, int attempt, DateTimeOffset startedAt)
        => record.State == TaskState.Queued && attempt == record.Attempts
            ? new(record with { State = TaskState.Running, StartedAt = startedAt })
            : new(record);

    /// <summary>
    /// A dispatch ended. A success of any attempt is the result (the first final outcome is kept); a failure decides
    /// only for the current attempt. <paramref name="runsLeft"/>: other dispatches of the task still out.
    /// </summary>
    public static Transition Finished(TaskRecord record, TaskOutcome outcome, TaskPolicy policy, double random, DateTimeOffset now, bool runsLeft)
    {
        if (record.State.IsFinal()) return new(record, EndInEntity(record, runsLeft)); // a cancel, or a re-run's late outcome
        if (record.State == TaskState.Held || !outcome.Ran) return new(record);
        if (!outcome.Succeeded && (outcome.Attempt != record.Attempts || record.State == TaskState.Retrying)) return new(record);
        if (outcome.Succeeded)
        {
            var succeeded = record with
            {
                State = TaskState.Succeeded, Pool = outcome.Pool, PredictedMs = outcome.PredictedMs, StartedAt = outcome.StartedAt,
                FinishedAt = outcome.FinishedAt, Error = null, Result = outcome.Result, NextAttemptAt = null,
            };
            return new(succeeded, TaskEffects.WakeWaiters | TaskEffects.DisarmRetry | EndInEntity(succeeded, runsLeft));
        }
        var failedRuns = record.Attempts - record.AttemptsBefore - record.Recoveries;
        if (failedRuns < (record.Spec.MaxAttempts ?? policy.MaxAttempts) && RetryBackoff.Retries(policy, outcome.ErrorType))
        {
            var delay = RetryBackoff.Delay(policy, failedRuns, random);
            return new(record with
            {
                State = TaskState.Retrying, NextAttemptAt = now + delay, Error = outcome.Error, Pool = outcome.Pool,
                StartedAt = outcome.StartedAt, FinishedAt = null,
            }, TaskEffects.ArmRetry | TaskEffects.CountRetry);
        }
        var failed = record with
        {
            State = TaskState.Failed, DeadLettered = true, Pool = outcome.Pool, PredictedMs = outcome.PredictedMs,
            StartedAt = outcome.StartedAt, FinishedAt = outcome.FinishedAt, Error = outcome.Error, NextAttemptAt = null,
        };
        return new(failed, TaskEffects.WakeWaiters | TaskEffects.CountDeadLetter | EndInEntity(failed, runsLeft));
    }

    /// <summary>A retry's time came: the next attempt is dispatched.</summary>
    public static Transition RetryDue(TaskRecord record, RouteDecision route)
        => record.State == TaskState.Retrying ? Dispatch(record with { NextAttemptAt = null }, route, TaskEffects.None) : new(record);

    /// <summary>
    /// A caller cancels: queued, held or retrying, it never starts; running, its token is cancelled. Final at once;
    /// the entity moves on only when no run of it is left. <paramref name="runsOut"/>: dispatches not yet reported.
    /// </summary>
    public static Transition Cancel(TaskRecord record, DateTimeOffset now, bool runsOut)
    {
        if (record.State.IsFinal()) return new(record);
        var cancelled = record with { State = TaskState.Cancelled, Error = "cancelled by request", FinishedAt = now, NextAttemptAt = null };
        var effects = TaskEffects.WakeWaiters | TaskEffects.DisarmRetry;
        if (runsOut) effects |= TaskEffects.CancelRun;
        effects |= record.State == TaskState.Held ? EntityOnly(record, TaskEffects.DropFromEntity) : EndInEntity(cancelled, runsOut);
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
    public static Transition RetryDeadLetter(TaskRecord record, RouteDecision route, bool held)
    {
        if (!record.DeadLettered)
        {
            return new(record, Refusal: new SurgeValidationException("id",
                $"task '{record.Id}' is {record.State}, not dead-lettered; only dead-lettered tasks are retried (see 'surge dead list')"));
        }
        var again = record with
        {
            State = TaskState.Held, DeadLettered = false, AttemptsBefore = record.Attempts, Recoveries = 0,
            StartedAt = null, FinishedAt = null, NextAttemptAt = null, Result = ReadOnlyMemory<byte>.Empty,
        };
        return held ? new(again) : Dispatch(again, route, TaskEffects.None);
    }

    /// <summary>
    /// The shard came back after its silo stopped: a queued or running task's run died with it. It is dispatched again
    /// as a crash recovery, or past <paramref name="maxRecoveries"/> dead-lettered as poison. Retrying tasks keep
    /// their time; held events stay with their entity.
    /// </summary>
    public static Transition Recover(TaskRecord record, int maxRecoveries, RouteDecision route, DateTimeOffset now)
    {
        if (record.State == TaskState.Retrying) return new(record, TaskEffects.ArmRetry);
        if (record.State is not (TaskState.Queued or TaskState.Running)) return new(record);
        var stops = record.Recoveries + 1;
        if (record.Recoveries >= maxRecoveries)
        {
            var poison = record with
            {
                State = TaskState.Failed, DeadLettered = true, FinishedAt = now, NextAttemptAt = null,
                Error = $"poison: its silo stopped {stops} times while running it (Surge:Tasks:MaxCrashRecoveries is {maxRecoveries})",
            };
            return new(poison, TaskEffects.WakeWaiters | TaskEffects.CountDeadLetter | TaskEffects.CountPoison | EndInEntity(poison, runsLeft: false));
        }
        return Dispatch(record with { Recoveries = stops }, route, TaskEffects.CountRecovery);
    }

    /// <summary>How many more times this budget lets the handler run: the bound the invariants check.</summary>
    public static int MaxRuns(TaskRecord record, TaskPolicy policy, int maxRecoveries) => (record.Spec.MaxAttempts ?? policy.MaxAttempts) + maxRecoveries;

    // Stored with its attempt counted before the executor sees it: a crash cannot hide a run.
    private static Transition Dispatch(TaskRecord record, RouteDecision route, TaskEffects effects)
        => new(record with
        {
            State = TaskState.Queued, Attempts = record.Attempts + 1, Pool = route.Pool, PredictedMs = route.PredictedMs,
            StartedAt = null, Error = record.State == TaskState.Retrying ? record.Error : null,
        }, effects | TaskEffects.Dispatch);

    private static TaskEffects EndInEntity(TaskRecord record, bool runsLeft)
        => !runsLeft && record.State.IsFinal() ? EntityOnly(record, TaskEffects.EndInEntity) : TaskEffects.None;

    private static TaskEffects EntityOnly(TaskRecord record, TaskEffects effect) => record.Spec.Entity is null ? TaskEffects.None : effect;
}
