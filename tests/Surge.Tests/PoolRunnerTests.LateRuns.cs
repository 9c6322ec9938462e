using Surge.Policies;
using Surge.Pools;
using Surge.Tasks;
using Surge.Workers;

namespace Surge.Tests;

// A late delivery and the dispatch that replaced it, in the pools of one silo: the shard's batch with attempt 1 timed
// out (a slow classifier), its upkeep ran the task again as a crash recovery (attempt 2), and the late batch arrived
// after all. The pools run one of the two and drop the other; the record, which waits for attempt 2, must learn how the
// run that did happen ended.
public partial class PoolRunnerTests
{
    [Theory]
    [InlineData(true)]  // the late attempt 1 got there first: it runs, and the recovery's attempt 2 is dropped
    [InlineData(false)] // the recovery's attempt 2 got there first: the late attempt 1 is dropped
    public async Task Enqueue_OneOfALateDispatchAndItsRecoveryRunsAndFails_TheRecordCountsAFailure(bool lateFirst)
    {
        var failer = new FailWhenReleasedHandler();
        var executor = Executor(4, extra: ("fail-later", failer));
        var spec = TaskSpec.Create("fail-later", id: "late-1");
        var now = DateTimeOffset.UnixEpoch;
        var record = TaskLifecycle.Submit(null, spec, now, "here").Record!;
        record = TaskLifecycle.Recover(record, maxRecoveries: 3, "here", now, runAlive: false).Record!; // the batch was lost, as far as the shard knows
        Assert.Equal((2, 1), (record.Attempts, record.Recoveries));

        var (first, second) = lateFirst ? (1, 2) : (2, 1);
        executor.Enqueue(new WorkItem(spec, PoolKind.Long, null, attempt: first));
        await _events.WaitForStartsAsync(1);
        executor.Enqueue(new WorkItem(spec, PoolKind.Long, null, attempt: second)); // dropped: it would run beside the first
        failer.Release.TrySetResult();
        var outcome = Assert.Single(await _events.WaitForAsync(1));

        var finished = TaskLifecycle.Finished(record, outcome, new TaskPolicy { MaxAttempts = 1 }, 0, now).Record!;
        // The one run failed, and it spent the task's one attempt: failed with the handler's error, not "its silo stopped".
        Assert.Equal((TaskState.Failed, 1), (finished.State, finished.Recoveries));
        Assert.Equal("InvalidOperationException: boom", finished.Error);
        var upkeep = TaskLifecycle.Recover(finished, maxRecoveries: 3, "here", now, runAlive: false).Record!; // its run has reported
        Assert.Equal((TaskState.Failed, 1, 2), (upkeep.State, upkeep.Recoveries, upkeep.Attempts)); // not run again as a crash recovery
    }

    /// <summary>Fails once released: a run that is still going when another dispatch of its task arrives.</summary>
    private sealed class FailWhenReleasedHandler : ITaskHandler
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
        {
            await Release.Task;
            throw new InvalidOperationException("boom");
        }
    }
}
