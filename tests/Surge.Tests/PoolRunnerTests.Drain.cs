using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Surge.Routing;
using Surge.Pools;
using Surge.Workers;

namespace Surge.Tests;

public partial class PoolRunnerTests
{
    [Fact]
    public async Task DrainAsync_HandOver_HandsBackQueuedAndLaterWorkAsNotStartedAndWaitsForRunning()
    {
        var executor = Executor(2);
        executor.SetLimit(PoolKind.Long, 1);
        for (var i = 0; i < 4; i++) executor.Enqueue(Item("gate", PoolKind.Long));
        await _events.WaitForStartsAsync(1);

        var drain = executor.DrainAsync(handOver: true, TimeSpan.FromSeconds(10), CancellationToken.None);
        executor.Enqueue(Item("gate", PoolKind.Long)); // arrives during the drain: not taken
        Assert.False(drain.IsCompleted, "the running task has not finished");
        Assert.True(executor.IsDraining);
        _gate.Open();

        var result = await drain;
        Assert.Equal(new DrainResult(HandedOver: 4, Unfinished: 0), result);
        var outcomes = await _events.WaitForAsync(5);
        Assert.Equal(4, outcomes.Count(o => !o.Ran && o.Error!.Contains("handed over"))); // their shards un-dispatch them
        Assert.Single(outcomes, o => o.Ran && o.Succeeded);
        Assert.Equal(1, Pool(executor, PoolKind.Long).Completed);
    }

    [Fact]
    public async Task DrainAsync_Finish_RunsTheQueueToItsEnd()
    {
        var executor = Executor(2);
        executor.SetLimit(PoolKind.Long, 1);
        for (var i = 0; i < 3; i++) executor.Enqueue(Item("gate", PoolKind.Long));
        _gate.Open();

        var result = await executor.DrainAsync(handOver: false, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(new DrainResult(HandedOver: 0, Unfinished: 0), result);
        Assert.Equal(3, Pool(executor, PoolKind.Long).Completed);
    }

    [Fact]
    public async Task DrainAsync_TaskOutlivesTimeout_ReportsItUnfinished()
    {
        var time = new FakeTimeProvider();
        var executor = Executor(2, time: time);
        executor.Enqueue(Item("gate", PoolKind.Long));
        await _events.WaitForStartsAsync(1);

        Assert.Equal(new DrainResult(HandedOver: 0, Unfinished: 1), await DrainPastItsTimeoutAsync(executor, time));
    }

    // The silo gave the run up at the timeout and ended it (a program's group is killed): the failure that follows is the
    // silo's stop, not the task's, so it must not count as the task's attempt. Recovery runs the task again, as it did
    // when such a run simply died with the process.
    [Fact]
    public async Task DrainAsync_RunFailsAfterTheTimeout_FailureNotReported()
    {
        var time = new FakeTimeProvider();
        var ended = new FailWhenReleased();
        var executor = Executor(2, time: time, extra: ("ended", ended));
        var item = Item("ended", PoolKind.Long);
        executor.Enqueue(item);
        await _events.WaitForStartsAsync(1);

        Assert.Equal(new DrainResult(HandedOver: 0, Unfinished: 1), await DrainPastItsTimeoutAsync(executor, time));
        ended.Release();

        await WaitUntilAsync(() => !executor.IsActive(item.Spec.Id)); // settled: a report would have been made by now
        Assert.Empty(_events.Reports);
    }

    [Fact]
    public async Task DrainAsync_RunSucceedsAfterTheTimeout_StillReported()
    {
        var time = new FakeTimeProvider();
        var executor = Executor(2, time: time);
        executor.Enqueue(Item("gate", PoolKind.Long));
        await _events.WaitForStartsAsync(1);

        await DrainPastItsTimeoutAsync(executor, time);
        _gate.Open();

        Assert.True(Assert.Single(await _events.WaitForAsync(1)).Succeeded); // its work is done: worth telling
    }

    private sealed class FailWhenReleased : ITaskHandler
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
        {
            await _released.Task;
            throw new InvalidOperationException("ended by the silo's stop");
        }
    }

    [Theory]
    [InlineData(30, 20)]   // a third for Orleans
    [InlineData(60, 50)]   // at most 10 s for Orleans
    [InlineData(0, 0)]
    public void TasksBudget_OfDrainTimeout_LeavesOrleansItsShare(int timeoutS, int tasksS)
        => Assert.Equal(TimeSpan.FromSeconds(tasksS), SiloDrain.TasksBudget(TimeSpan.FromSeconds(timeoutS)));

    [Theory]
    [InlineData(30_000, 5_000)]  // half of Orleans' 10 s
    [InlineData(3_000, 500)]     // half of Orleans' third
    [InlineData(0, 0)]           // no grace: SIGKILL right after SIGTERM
    public void OutlivingGrace_OfDrainTimeout_HalfOfWhatOrleansKeeps(int timeoutMs, int graceMs)
        => Assert.Equal(TimeSpan.FromMilliseconds(graceMs), SiloDrain.OutlivingGrace(TimeSpan.FromMilliseconds(timeoutMs)));

    // The host stopped waiting while a task still ran: the shards' waits on this silo must end all the same, so that
    // their callers ask again where the shard goes next.
    [Fact]
    public async Task SiloDrain_HostStopsWaiting_DrainSignalStillFires()
    {
        var (drain, signal) = await DrainWithARunningTaskAsync();
        using var hostGivesUp = new CancellationTokenSource();

        var draining = drain.DrainAsync(hostGivesUp.Token);
        await hostGivesUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => draining);
        Assert.True(signal.Drained.IsCancellationRequested, "the drain signal did not fire");
        _gate.Open();
    }

    // Every embedded command ends with a drain: one that left nothing behind is no warning. One that gave a run up is.
    [Fact]
    public async Task SiloDrain_NothingLeftBehind_LogsInformation_RunUnfinishedAtTheTimeout_LogsWarning()
    {
        var clean = new FakeLogger<SiloDrain>();
        await Drain(Executor(2), TimeSpan.FromSeconds(30), clean).DrainAsync(CancellationToken.None);
        Assert.Equal(LogLevel.Information, Assert.Single(clean.Collector.GetSnapshot(), r => r.Id.Id == 2).Level);

        var givenUp = new FakeLogger<SiloDrain>();
        var executor = Executor(2);
        executor.Enqueue(Item("gate", PoolKind.Long));
        await _events.WaitForStartsAsync(1);
        await Drain(executor, TimeSpan.Zero, givenUp).DrainAsync(CancellationToken.None);
        var drained = Assert.Single(givenUp.Collector.GetSnapshot(), r => r.Id.Id == 2);
        Assert.Equal(LogLevel.Warning, drained.Level);
        Assert.Contains("1 unfinished at the timeout", drained.Message);
        _gate.Open();
    }

    // A silo drain over pools running one task that waits at the gate until the test opens it.
    private async Task<(SiloDrain Drain, DrainSignal Signal)> DrainWithARunningTaskAsync()
    {
        var executor = Executor(2);
        executor.Enqueue(Item("gate", PoolKind.Long));
        await _events.WaitForStartsAsync(1);
        var signal = new DrainSignal();
        return (Drain(executor, TimeSpan.FromSeconds(30), NullLogger<SiloDrain>.Instance, signal), signal);
    }

    private static SiloDrain Drain(PoolRunner executor, TimeSpan timeout, ILogger<SiloDrain> log, DrainSignal? signal = null)
        => new(executor, signal ?? new DrainSignal(), new RecoveryOptions(), Microsoft.Extensions.Options.Options.Create(new DrainOptions { Timeout = timeout }),
            TimeProvider.System, log, [], notice: null);

    // The host's stop timeout ran out during the drain (a silo stalled or short of CPU while a task ran past the drain
    // timeout): the host must go on stopping. The drain's cancellation reached the host, whose stop then failed and the
    // process aborted (exit 134) instead of leaving.
    [Fact]
    public async Task DrainOnStopping_HostStopsWaiting_StoppingEndsWithoutFailing()
    {
        var (drain, signal) = await DrainWithARunningTaskAsync();
        using var hostGivesUp = new CancellationTokenSource();

        var stopping = new Surge.Hosting.DrainOnStopping(drain).StoppingAsync(hostGivesUp.Token);
        await hostGivesUp.CancelAsync();

        await stopping;
        Assert.True(signal.Drained.IsCancellationRequested, "the drain signal did not fire");
        _gate.Open();
    }

    [Fact]
    public async Task IsActive_FromEnqueueUntilReported_ThenNot()
    {
        var executor = Executor(2);
        var item = Item("gate", PoolKind.Long);
        Assert.False(executor.IsActive(item.Spec.Id));
        executor.Enqueue(item);
        await _events.WaitForStartsAsync(1);
        Assert.True(executor.IsActive(item.Spec.Id));
        _gate.Open();
        await _events.WaitForAsync(1);
        await WaitUntilAsync(() => !executor.IsActive(item.Spec.Id));
    }

    private static Task WaitUntilAsync(Func<bool> condition) => Eventually.TrueAsync(condition, "the pool to forget the task", TimeSpan.FromSeconds(2));

    // A drain of 5 s that the clock runs out: what still runs then is given up.
    private static async Task<DrainResult> DrainPastItsTimeoutAsync(PoolRunner executor, FakeTimeProvider time)
    {
        var drain = executor.DrainAsync(handOver: true, TimeSpan.FromSeconds(5), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));
        return await drain;
    }
}
