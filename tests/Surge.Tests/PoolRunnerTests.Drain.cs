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

        var drain = executor.DrainAsync(handOver: true, TimeSpan.FromSeconds(5), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(new DrainResult(HandedOver: 0, Unfinished: 1), await drain);
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
}
