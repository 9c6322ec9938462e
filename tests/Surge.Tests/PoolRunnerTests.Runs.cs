using Microsoft.Extensions.Time.Testing;
using Surge.Policies;
using Surge.Routing;
using Surge.Pools;
using Surge.Workers;

namespace Surge.Tests;

public partial class PoolRunnerTests
{
    [Fact]
    public async Task Run_HandlerIgnoresToken_SoftCancelsThenHardFailsAndFreesSlot()
    {
        var time = new FakeTimeProvider();
        var stubborn = new StubbornHandler();
        var policies = new TaskPoliciesOptions { Types = { ["stubborn"] = new TaskPolicy { SoftTimeLimit = TimeSpan.FromSeconds(5), HardLimitGrace = TimeSpan.FromSeconds(10) } } };
        var executor = Executor(4, RoutingMode.Single, time, policies: policies, extra: ("stubborn", stubborn));
        executor.Enqueue(new WorkItem(TaskSpec.Create("stubborn"), PoolKind.Single, null));
        await stubborn.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        time.Advance(TimeSpan.FromSeconds(5)); // soft limit: the token fires, the handler carries on
        Assert.True(stubborn.SawCancel);
        time.Advance(TimeSpan.FromSeconds(9.9));
        await Task.Delay(50);
        Assert.Equal(1, Pool(executor, PoolKind.Single).Running);

        time.Advance(TimeSpan.FromSeconds(0.2)); // hard limit: 15 s after the start
        var outcome = Assert.Single(await _events.WaitForAsync(1));
        Assert.False(outcome.Succeeded);
        Assert.Contains("hard time limit of 00:00:15 reached", outcome.Error);
        Assert.Equal(0, Pool(executor, PoolKind.Single).Running); // the slot is free
        Assert.False(stubborn.Returned.Task.IsCompleted);          // though the handler never returned
        Assert.Equal(1, executor.Abandoned);
    }

    [Fact]
    public async Task Cancel_QueuedNeverStarts_RunningGetsItsTokenCancelled()
    {
        var executor = Executor(1, RoutingMode.Single);
        var running = new WorkItem(TaskSpec.Create("wait"), PoolKind.Single, null);
        var queued = new WorkItem(TaskSpec.Create("gate"), PoolKind.Single, null);
        executor.Enqueue(running);
        executor.Enqueue(queued);
        await _events.WaitForStartsAsync(1);

        Assert.True(executor.Cancel(queued.Spec.Id));
        Assert.True(executor.Cancel(running.Spec.Id));
        var outcomes = await _events.WaitForAsync(2);
        Assert.Equal(["cancelled", "cancelled before it started"], outcomes.Select(o => o.Error).Order());
        await RunBehindAsync(executor);
        Assert.Equal(0, _gate.MaxConcurrent); // the queued one never ran
        Assert.Equal((0, 0), (Pool(executor, PoolKind.Single).Running, Pool(executor, PoolKind.Single).Queued));
        await WaitUntilAsync(() => !executor.IsActive(queued.Spec.Id)); // held until its report returns, on the pool
        Assert.False(executor.Cancel("unknown"));
    }

    // The run log is for benchmarks' checkers: a write it cannot make (a full disk) must not fail the task, keep its
    // slot, or keep its outcome from the shard.
    [Fact]
    public async Task Run_RunLogWritesFail_TaskStillRunsReportsAndFreesItsSlot()
    {
        _gate.Open();
        var executor = Executor(1, RoutingMode.Single, runLog: new FailingRunLog());
        executor.Enqueue(new WorkItem(TaskSpec.Create("gate"), PoolKind.Single, null));
        executor.Enqueue(new WorkItem(TaskSpec.Create("gate"), PoolKind.Single, null)); // runs only once the first frees the one slot

        var outcomes = await _events.WaitForAsync(2);
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error));
        Assert.Equal((2, 0), (Pool(executor, PoolKind.Single).Completed, Pool(executor, PoolKind.Single).Running));
    }

    private sealed class FailingRunLog : IRunLog
    {
        public void Started(WorkItem item, DateTimeOffset startedAt) => throw new IOException("No space left on device");

        public void Ended(WorkItem item, DateTimeOffset endedAt, bool succeeded) => throw new IOException("No space left on device");
    }

    private sealed class StubbornHandler : ITaskHandler
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Returned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool SawCancel { get; private set; }

        public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
        {
            cancellationToken.Register(() => SawCancel = true);
            Entered.TrySetResult();
            await Returned.Task; // never completed: ignores its token
            return ReadOnlyMemory<byte>.Empty;
        }
    }
}
