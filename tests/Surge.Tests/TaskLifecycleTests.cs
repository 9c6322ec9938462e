using Surge.Policies;
using Surge.Routing;
using Surge.Pools;
using Surge.Tasks;

namespace Surge.Tests;

public class TaskLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TaskPolicy OneAttempt = new() { MaxAttempts = 1 };
    private const string Here = "silo-a";

    private static TaskSpec Spec(string? entity = null) => entity is null ? TaskSpec.Create("t", id: "task-1") : TaskSpec.Create("t", id: "task-1").ForEntity(entity, "build.started");

    private static TaskOutcome Outcome(int attempt, bool succeeded, string? errorType = null)
        => new(succeeded, succeeded ? null : "boom", "{}"u8.ToArray(), PoolKind.Short, 10, T0, T0.AddSeconds(1), attempt, ErrorType: errorType);

    [Fact]
    public void Submit_PlainTask_StoredQueuedWithItsFirstAttemptCountedBeforeDispatch()
    {
        var t = TaskLifecycle.Submit(null, Spec(), T0, Here);
        Assert.Equal(TaskState.Queued, t.Record!.State);
        Assert.Equal(1, t.Record.Attempts);
        Assert.Null(t.Record.Pool); // its classifier picks the pool once the dispatch is stored
        Assert.True(t.Has(TaskEffects.Dispatch));
    }

    [Fact]
    public void Started_CurrentAttempt_RecordsThePoolItsClassifierChose()
    {
        var queued = TaskLifecycle.Submit(null, Spec(), T0, Here).Record!;
        var running = TaskLifecycle.Started(queued, new TaskStart(PoolKind.Short, 12, T0.AddSeconds(1), 1)).Record!;
        Assert.Equal((TaskState.Running, PoolKind.Short, 12.0), (running.State, running.Pool, running.PredictedMs));
        Assert.Same(running, TaskLifecycle.Started(running, new TaskStart(PoolKind.Long, 99, T0.AddSeconds(2), 0)).Record); // a stale start moves nothing
    }

    [Fact]
    public void Submit_Duplicate_ReturnsTheFirstRecordUnchanged()
    {
        var first = TaskLifecycle.Submit(null, Spec(), T0, Here).Record!;
        var again = TaskLifecycle.Submit(first, Spec(), T0.AddSeconds(5), Here);
        Assert.Same(first, again.Record);
        Assert.Equal(TaskEffects.None, again.Effects);
    }

    [Fact]
    public void Finished_AfterCancelWhileRunning_EntityToldOnlyWhenTheRunHasEnded()
    {
        var running = TaskLifecycle.Started(TaskLifecycle.Submit(null, Spec("build/1"), T0, Here).Record!, new TaskStart(PoolKind.Short, 10, T0, 1)).Record!;
        var cancel = TaskLifecycle.Cancel(running, T0.AddSeconds(1), runAlive: true);
        Assert.Equal(TaskState.Cancelled, cancel.Record!.State);
        Assert.True(cancel.Has(TaskEffects.CancelRun));
        Assert.False(cancel.Has(TaskEffects.EndInEntity)); // the handler may still run: its successor must wait

        var ended = TaskLifecycle.Finished(cancel.Record, Outcome(1, succeeded: true), OneAttempt, 0, T0.AddSeconds(4));
        Assert.Equal((TaskState.Cancelled, cancel.Record.FinishedAt), (ended.Record!.State, ended.Record.FinishedAt)); // the first final outcome stays
        Assert.Null(ended.Record.RanOn);
        Assert.True(ended.Has(TaskEffects.EndInEntity));
    }

    [Fact]
    public void Finished_FailureOfAnOlderAttempt_DecidesNothing()
    {
        var record = TaskLifecycle.Submit(null, Spec(), T0, Here).Record! with { Attempts = 3 };
        var t = TaskLifecycle.Finished(record, Outcome(2, succeeded: false), new TaskPolicy { MaxAttempts = 5 }, 0, T0);
        Assert.Same(record, t.Record);
    }

    // An outcome built by a silo that did not bound its error (an older version): the record, which every status read
    // carries, keeps the bounded error, whether the task retries or fails for good.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Finished_FailureWithAHugeError_RecordKeepsItBounded(int maxAttempts)
    {
        var running = TaskLifecycle.Started(TaskLifecycle.Submit(null, Spec(), T0, Here).Record!, new TaskStart(PoolKind.Short, 10, T0, 1)).Record!;
        var error = new string('x', 10_000_000);
        var t = TaskLifecycle.Finished(running, Outcome(1, succeeded: false) with { Error = error }, new TaskPolicy { MaxAttempts = maxAttempts }, 0, T0.AddSeconds(1));
        Assert.Equal(maxAttempts == 1 ? TaskState.Failed : TaskState.Retrying, t.Record!.State);
        Assert.Equal(TaskStatus.BoundError(error), t.Record.Error);
        Assert.StartsWith(new string('x', TaskStatus.MaxErrorLength), t.Record.Error);
        Assert.EndsWith($"… ({10_000_000 - TaskStatus.MaxErrorLength} more characters cut)", t.Record.Error);
    }

    [Fact]
    public void Recover_PastMaxCrashRecoveries_DeadLetteredAsPoisonNamingTheStops()
    {
        var record = TaskLifecycle.Submit(null, Spec(), T0, Here).Record!;
        for (var i = 0; i < 3; i++) record = TaskLifecycle.Recover(record, 3, Here, T0, runAlive: false).Record!;
        Assert.Equal((4, 3), (record.Attempts, record.Recoveries));

        var poison = TaskLifecycle.Recover(record, 3, Here, T0, runAlive: false);
        Assert.Equal(TaskState.Failed, poison.Record!.State);
        Assert.True(poison.Record.DeadLettered);
        Assert.Contains("its silo stopped 4 times while running it", poison.Record.Error);
        Assert.True(poison.Has(TaskEffects.CountPoison));
    }

    [Fact]
    public void Finished_CrashRecoveredRunFails_RetriesCountOnlyFailedRuns()
    {
        var policy = new TaskPolicy { MaxAttempts = 2, BackoffBase = TimeSpan.FromSeconds(1), Jitter = 0 };
        var record = TaskLifecycle.Submit(null, Spec(), T0, Here).Record!;
        record = TaskLifecycle.Recover(record, 3, Here, T0, runAlive: false).Record!; // attempt 2, a crash recovery
        var retry = TaskLifecycle.Finished(record, Outcome(2, succeeded: false), policy, 0, T0);
        Assert.Equal(TaskState.Retrying, retry.Record!.State); // 1 failed run of 2 allowed

        record = TaskLifecycle.RetryDue(retry.Record, Here).Record!;
        var dead = TaskLifecycle.Finished(record, Outcome(3, succeeded: false), policy, 0, T0);
        Assert.Equal(TaskState.Failed, dead.Record!.State);
    }

    [Fact]
    public void Recover_RunOnALiveSilo_LeftAloneItReportsHere()
    {
        var record = TaskLifecycle.Submit(null, Spec(), T0, "silo-b").Record!;
        var t = TaskLifecycle.Recover(record, 3, Here, T0, runAlive: true);
        Assert.Same(record, t.Record); // a shard that moved: its old silo still runs the task, and its outcome comes here
        Assert.False(t.Has(TaskEffects.Dispatch));
    }

    [Fact]
    public void Finished_HandedBackBeforeItStarted_UndispatchedAndRunAgainUncounted()
    {
        var record = TaskLifecycle.Submit(null, Spec(), T0, Here).Record!;
        var back = TaskLifecycle.Finished(record, TaskOutcome.NotStarted("handed over", PoolKind.Short, 10, T0, 1), OneAttempt, 0, T0).Record!;
        Assert.Equal((TaskState.Queued, 0, null), (back.State, back.ToStatus().Attempts, back.RanOn));
        var again = TaskLifecycle.Recover(back, 3, "silo-b", T0, runAlive: false).Record!;
        Assert.Equal((1, 0, "silo-b"), (again.ToStatus().Attempts, again.Recoveries, again.RanOn));
    }

    // The hand-back is stored but its answer is lost, so the silo that drained delivers it again, after the task was
    // dispatched to another silo under the same (uncounted) attempt number.
    [Fact]
    public void Finished_HandBackDeliveredAgainAfterTheRedispatch_LeavesTheLiveRunAlone()
    {
        var onA = TaskLifecycle.Submit(null, Spec("build/1"), T0, Here).Record!;
        var handBack = TaskOutcome.NotStarted(PoolLedger.HandedOver, PoolKind.Short, 10, T0, onA.Attempts);
        var back = TaskLifecycle.Finished(onA, handBack, OneAttempt, 0, T0).Record!;
        var onB = TaskLifecycle.Recover(back, 3, "silo-b", T0, runAlive: false).Record!;
        var running = TaskLifecycle.Started(onB, new TaskStart(PoolKind.Short, 10, T0, onB.Attempts)).Record!;
        Assert.Equal((onA.Attempts + 1, 1), (running.Attempts, running.ToStatus().Attempts)); // a number of its own, uncounted

        var again = TaskLifecycle.Finished(running, handBack, OneAttempt, 0, T0.AddSeconds(1));
        Assert.Same(running, again.Record);

        // Cancelled while silo-b runs it: the entity may move on only once silo-b's run reports.
        var cancelled = TaskLifecycle.Cancel(running, T0.AddSeconds(1), runAlive: true).Record!;
        Assert.False(TaskLifecycle.Finished(cancelled, handBack, OneAttempt, 0, T0.AddSeconds(2)).Has(TaskEffects.EndInEntity));
        Assert.True(TaskLifecycle.Finished(cancelled, TaskOutcome.NotStarted("cancelled", PoolKind.Short, 10, T0, running.Attempts),
            OneAttempt, 0, T0.AddSeconds(2)).Has(TaskEffects.EndInEntity));
    }

    // A dead letter retried while no silo hosts its pool waits Queued, undispatched, with the number of the dispatch that
    // ended its last budget. A second delivery of that dispatch's failure (its first answer lost) moved the wait to
    // Retrying, as if a run of the retry had failed; its start moved it to Running.
    [Fact]
    public void Finished_PreviousBudgetsLastFailureDeliveredAgain_LeavesTheWaitingRetryQueued()
    {
        var policy = new TaskPolicy { MaxAttempts = 1 };
        var queued = TaskLifecycle.Submit(null, Spec(), T0, Here).Record!;
        var lastFailure = Outcome(queued.Attempts, succeeded: false);
        var dead = TaskLifecycle.Finished(queued, lastFailure, policy, 0, T0).Record!;
        Assert.Equal((TaskState.Failed, true), (dead.State, dead.DeadLettered));

        var waiting = TaskLifecycle.RetryDeadLetter(dead, here: null, held: false, T0.AddMinutes(1)).Record!;
        Assert.Equal((TaskState.Queued, null, dead.Attempts), (waiting.State, waiting.RanOn, waiting.Attempts));

        Assert.Same(waiting, TaskLifecycle.Finished(waiting, lastFailure, policy, 0, T0.AddMinutes(2)).Record);
        Assert.Same(waiting, TaskLifecycle.Started(waiting, new TaskStart(PoolKind.Short, 10, T0, lastFailure.Attempt)).Record);
    }

    // Once the retry runs, an earlier budget's report still decides nothing: not its failure, nor a success (which the
    // dead letter itself dropped, being final).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Finished_PreviousBudgetsReportWhileTheRetryRuns_LeavesTheRetryToItsOwnRun(bool succeeded)
    {
        var policy = new TaskPolicy { MaxAttempts = 2, BackoffBase = TimeSpan.FromSeconds(1), Jitter = 0 };
        var record = TaskLifecycle.Submit(null, Spec(), T0, Here).Record!;
        record = TaskLifecycle.RetryDue(TaskLifecycle.Finished(record, Outcome(1, succeeded: false), policy, 0, T0).Record!, Here).Record!;
        var dead = TaskLifecycle.Finished(record, Outcome(2, succeeded: false), policy, 0, T0).Record!;
        Assert.Same(dead, TaskLifecycle.Finished(dead, Outcome(1, succeeded: true), policy, 0, T0).Record); // final: dropped

        var retry = TaskLifecycle.RetryDeadLetter(dead, Here, held: false, T0).Record!;
        Assert.Equal((3, 2), (retry.Attempts, retry.AttemptsBefore));
        Assert.Same(retry, TaskLifecycle.Finished(retry, Outcome(1, succeeded), policy, 0, T0).Record);
        Assert.Same(retry, TaskLifecycle.Finished(retry, Outcome(2, succeeded), policy, 0, T0).Record);
        Assert.Equal(TaskState.Retrying, TaskLifecycle.Finished(retry, Outcome(3, succeeded: false), policy, 0, T0).Record!.State); // its own run
    }

    // A hand-back stored with its answer lost is delivered again while the task still waits for a silo that hosts its
    // pool: counted once, as it happened once (before, each delivery took another dispatch off its attempts).
    [Fact]
    public void Finished_HandBackDeliveredAgainWhileItWaitsUndispatched_CountedOnce()
    {
        var onA = TaskLifecycle.Submit(null, Spec(), T0, Here).Record!;
        var handBack = TaskOutcome.NotStarted(PoolLedger.HandedOver, PoolKind.Short, 10, T0, onA.Attempts);
        var back = TaskLifecycle.Finished(onA, handBack, OneAttempt, 0, T0).Record!;
        Assert.Equal((TaskState.Queued, 1, null), (back.State, back.HandBacks, back.RanOn));

        Assert.Same(back, TaskLifecycle.Finished(back, handBack, OneAttempt, 0, T0.AddSeconds(1)).Record);
    }

    [Fact]
    public void MayForget_CancelledWhileItStillRuns_KeptUntilItsRunReports()
    {
        var running = TaskLifecycle.Started(TaskLifecycle.Submit(null, Spec("build/1"), T0, "silo-b").Record!, new TaskStart(PoolKind.Short, 10, T0, 1)).Record!;
        var cancelled = TaskLifecycle.Cancel(running, T0.AddMinutes(1), runAlive: true).Record!;
        var cutoff = T0.AddDays(2);
        Assert.False(TaskLifecycle.MayForget(cancelled, cutoff)); // its handler still runs on silo-b
        var over = TaskLifecycle.Finished(cancelled, Outcome(1, succeeded: false), OneAttempt, 0, T0.AddMinutes(2)).Record!; // its run ended
        Assert.True(TaskLifecycle.MayForget(over, cutoff));
        Assert.False(TaskLifecycle.MayForget(over, T0)); // within retention
    }

    // A shard that comes back on another silo cannot know whether its last activation's batches reached the silos they
    // went to (it may have died with them on the way): each such dispatch is asked after, as after a failed batch.
    [Theory]
    [InlineData(TaskState.Queued, "silo-b", "silo-b")]
    [InlineData(TaskState.Running, "silo-b", "silo-b")]
    [InlineData(TaskState.Cancelled, "silo-b", "silo-b")] // final while its run may still be going there
    [InlineData(TaskState.Queued, Here, null)] // this silo's own pools say what they hold
    [InlineData(TaskState.Succeeded, null, null)]
    [InlineData(TaskState.Held, null, null)]
    public void UnsureAfterActivation_DispatchToAnotherSilo_IsAskedAfter(TaskState state, string? ranOn, string? expected)
    {
        var record = TaskLifecycle.Submit(null, Spec(), T0, Here).Record! with { State = state, RanOn = ranOn };
        Assert.Equal(expected, TaskLifecycle.UnsureAfterActivation(record, Here));
    }

    [Fact]
    public void RetryDeadLetter_NotDeadLettered_RefusedNamingTheId()
    {
        var record = TaskLifecycle.Submit(null, Spec(), T0, Here).Record!;
        var t = TaskLifecycle.RetryDeadLetter(record, Here, held: false);
        Assert.Equal("id", t.Refusal?.Field);
    }

    // A client repeats a retry whose answer it lost; the dead letter it names (by its attempts) was retried already, and
    // may have failed again meanwhile: nothing more is retried, and nothing is refused.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RetryDeadLetter_SameDeadLetterAskedAgain_RetriesNothingMore(bool deadAgain)
    {
        var dead = TaskLifecycle.Finished(TaskLifecycle.Submit(null, Spec(), T0, Here).Record!, Outcome(1, succeeded: false), OneAttempt, 0, T0).Record!;
        Assert.True(dead.DeadLettered);
        var retried = TaskLifecycle.RetryDeadLetter(dead, Here, held: false, T0, deadLetterAttempts: dead.Attempts).Record!;
        Assert.Equal((2, 1), (retried.Attempts, retried.AttemptsBefore));
        var now = deadAgain ? TaskLifecycle.Finished(retried, Outcome(2, succeeded: false), OneAttempt, 0, T0).Record! : retried;
        Assert.Equal(deadAgain, now.DeadLettered);

        var again = TaskLifecycle.RetryDeadLetter(now, Here, held: false, T0, deadLetterAttempts: dead.Attempts);
        Assert.Same(now, again.Record);
        Assert.Null(again.Refusal);
        Assert.Equal(TaskEffects.None, again.Effects);
        var next = TaskLifecycle.RetryDeadLetter(now, Here, held: false, T0, deadLetterAttempts: now.Attempts);
        if (deadAgain) Assert.Equal(3, next.Record!.Attempts); // the newer dead letter, named by its own attempts, is retried
        else Assert.Equal("id", next.Refusal?.Field); // not a dead letter
    }

    [Fact]
    public void Cancel_HeldEvent_DroppedFromItsEntity()
    {
        var held = TaskLifecycle.Submit(null, Spec("build/1"), T0, Here, held: true).Record!;
        var t = TaskLifecycle.Cancel(held, T0, runAlive: false);
        Assert.True(t.Has(TaskEffects.DropFromEntity));
        Assert.False(t.Has(TaskEffects.CancelRun));
    }

    [Fact]
    public void Submit_NoSiloHostsItsPool_WaitsQueuedUndispatchedAndUncounted()
    {
        var t = TaskLifecycle.Submit(null, Spec(), T0, here: null);
        Assert.Equal((TaskState.Queued, 0, null, null), (t.Record!.State, t.Record.Attempts, t.Record.RanOn, t.Record.Silo));
        Assert.True(t.Has(TaskEffects.AwaitHost));
        Assert.False(t.Has(TaskEffects.Dispatch));

        var still = TaskLifecycle.Recover(t.Record, 3, here: null, T0, runAlive: false);
        Assert.Same(t.Record, still.Record); // nothing to store while it waits: upkeep only asks again
        Assert.True(still.Has(TaskEffects.AwaitHost));

        var dispatched = TaskLifecycle.Recover(t.Record, 3, "silo-b", T0, runAlive: false);
        Assert.Equal((1, 0, "silo-b", "silo-b"), (dispatched.Record!.Attempts, dispatched.Record.Recoveries, dispatched.Record.RanOn, dispatched.Record.Silo));
        Assert.True(dispatched.Has(TaskEffects.Dispatch));
    }

    [Fact]
    public void Recover_SiloDiedAndNoSiloHostsItsPool_CountedAsARecoveryAndWaits()
    {
        var record = TaskLifecycle.Submit(null, Spec(), T0, "silo-b").Record!;
        var waiting = TaskLifecycle.Recover(record, 3, here: null, T0, runAlive: false);
        Assert.Equal((TaskState.Queued, 1, 1, null), (waiting.Record!.State, waiting.Record.Attempts, waiting.Record.Recoveries, waiting.Record.RanOn));
        Assert.True(waiting.Has(TaskEffects.CountRecovery | TaskEffects.AwaitHost));

        var again = TaskLifecycle.Recover(waiting.Record, 3, "silo-c", T0, runAlive: false).Record!;
        Assert.Equal((2, 1), (again.Attempts, again.Recoveries)); // the stop counted once: its failed runs are still none
    }

    [Fact]
    public void Finished_RanOnAnotherSilo_StatusKeepsTheSiloThatRanIt()
    {
        var record = TaskLifecycle.Submit(null, Spec(), T0, "silo-b").Record!;
        var done = TaskLifecycle.Finished(record, Outcome(1, succeeded: true), OneAttempt, 0, T0).Record!;
        Assert.Null(done.RanOn); // no run left
        Assert.Equal("silo-b", done.ToStatus().Silo);
    }

    /// <summary>
    /// Randomized runs of the lifecycle as the shard drives it: every change is committed to a store that fails at
    /// random (then nothing changes and no effect happens), silos crash (dispatches vanish, the shard recovers from
    /// the store), and the invariants are checked after every step.
    /// </summary>
    [Fact]
    public void Lifecycle_RandomOperationsWithStoreFailuresAndCrashes_KeepsEveryInvariant()
    {
        const int sequences = 10_000;
        var steps = 0;
        for (var seed = 0; seed < sequences; seed++)
        {
            var model = new LifecycleModel(seed);
            for (var step = 0; step < 60; step++)
            {
                model.Step();
                steps++;
                model.CheckInvariants();
            }
        }
        Assert.True(steps >= sequences * 60);
    }
}
