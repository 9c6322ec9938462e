using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Surge.Policies;
using Surge.Routing;
using Surge.Tasks;
using Surge.Pools;
using Surge.Workers;

namespace Surge.Tests;

public partial class PoolRunnerTests : IDisposable
{
    private readonly GateHandler _gate = new();
    private readonly RecordingEvents _events = new();

    public void Dispose() => _gate.Open();

    private PoolRunner Executor(int maxConcurrency, RoutingMode mode = RoutingMode.Predicted, TimeProvider? time = null, double memoryBudgetMb = 1_000_000,
        TaskPoliciesOptions? policies = null, (string Type, ITaskHandler Handler)? extra = null, TaskOptions? tasks = null,
        IRunLog? runLog = null, Microsoft.Extensions.Logging.ILogger<PoolRunner>? logger = null, ILocalSiloDetails? silo = null,
        IClusterMembershipService? membership = null)
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton<ITaskHandler>("gate", _gate);
        services.AddKeyedSingleton<ITaskHandler>("fail", new FailingHandler());
        services.AddKeyedSingleton<ITaskHandler>("wait", new WaitForCancelHandler());
        if (extra is { } e) services.AddKeyedSingleton(e.Type, e.Handler);
        var registry = new HandlerRegistry(services.BuildServiceProvider(),
            [new("gate"), new("fail"), new("wait"), .. extra is { } x ? new HandlerRegistration[] { new(x.Type) } : []]);
        var t = tasks ?? new TaskOptions();
        var p = Options.Create(policies ?? new TaskPoliciesOptions());
        return new PoolRunner(Options.Create(new WorkerOptions { MaxConcurrency = maxConcurrency, DefaultTimeout = TimeSpan.FromSeconds(30), MemoryBudgetMb = memoryBudgetMb }),
            Options.Create(new PoolsOptions()), new PoolShape(mode), p, new RunBounds(t.MaxTimeout, t.MaxResultBytes, TaskOptions.Section),
            registry, _events, time ?? TimeProvider.System, logger ?? NullLogger<PoolRunner>.Instance, new Caps.CapGate(p, time ?? TimeProvider.System),
            runLog, silo, membership);
    }

    private static WorkItem Item(string type, PoolKind pool, double memoryMb = 0) => new(TaskSpec.Create(type), pool, null, memoryMb: memoryMb);

    // Runs one more task through the single pool (one slot, first in first out) and waits for its report: whatever was
    // queued before it has run or been dropped by then, so "it never ran" is checked without a sleep.
    private async Task RunBehindAsync(PoolRunner executor)
    {
        var behind = new WorkItem(TaskSpec.Create("fail"), PoolKind.Single, null);
        executor.Enqueue(behind);
        await _events.WaitForAsync(1);
        Assert.Equal(behind.Spec.Id, _events.Reports.Last().TaskId);
    }

    private static PoolStats Pool(PoolRunner executor, PoolKind name) => executor.GetStats("s").Single(p => p.Pool == name);

    [Fact]
    public void Create_DefaultLayout_ReservesOneEighthForShort()
    {
        var executor = Executor(16);
        Assert.Equal(2, Pool(executor, PoolKind.Short).Limit);
        Assert.Equal(14, Pool(executor, PoolKind.Long).Limit);
    }

    [Fact]
    public void Create_SingleMode_OnePoolWithEverySlot()
    {
        var stats = Assert.Single(Executor(8, RoutingMode.Single).GetStats("s"));
        Assert.Equal((PoolKind.Single, 8), (stats.Pool, stats.Limit));
    }

    [Fact]
    public async Task SetLimit_AtRunTime_TakesEffectBothWays()
    {
        var executor = Executor(8);
        executor.SetLimit(PoolKind.Long, 2);
        for (var i = 0; i < 6; i++) executor.Enqueue(Item("gate", PoolKind.Long));
        Assert.Equal((2, 4), (Pool(executor, PoolKind.Long).Running, Pool(executor, PoolKind.Long).Queued));

        executor.SetLimit(PoolKind.Long, 5);
        Assert.Equal((5, 1), (Pool(executor, PoolKind.Long).Running, Pool(executor, PoolKind.Long).Queued));
        await _events.WaitForStartsAsync(5);
        // A start is reported before its handler is called (a thread-pool hop later): wait for the handlers themselves.
        await _gate.WaitForEntriesAsync(5);
        Assert.Equal(5, _gate.MaxConcurrent);

        _gate.Open();
        await _events.WaitForAsync(6);
        Assert.Equal(6, Pool(executor, PoolKind.Long).Completed);
        Assert.Equal(5, _gate.MaxConcurrent);
    }

    [Fact]
    public void GetStats_ArrivalsWithPredictions_CountedForTheAutoscalersMeanPrediction()
    {
        var executor = Executor(8);
        executor.Enqueue(new WorkItem(TaskSpec.Create("gate"), PoolKind.Long, 300));
        executor.Enqueue(new WorkItem(TaskSpec.Create("gate"), PoolKind.Long, 500));
        executor.Enqueue(Item("gate", PoolKind.Long)); // no prediction: not in the mean

        var stats = Pool(executor, PoolKind.Long);
        Assert.Equal((3, 2, 800), (stats.Arrived, stats.PredictedArrived, stats.PredictedMsTotal));
    }

    [Fact]
    public void SetLimit_OutsideBounds_IsClamped()
    {
        var executor = Executor(8);
        Assert.Equal(1, executor.SetLimit(PoolKind.Long, 0));
        Assert.Equal(8, executor.SetLimit(PoolKind.Long, 1_000));
    }

    [Fact]
    public void Enqueue_LongTasksFillTheirPool_ShortStillStartsAtOnce()
    {
        var executor = Executor(8); // short 1 reserved, long 7
        for (var i = 0; i < 10; i++) executor.Enqueue(Item("gate", PoolKind.Long));
        Assert.Equal(7, Pool(executor, PoolKind.Long).Running);

        executor.Enqueue(Item("gate", PoolKind.Short));
        Assert.Equal(1, Pool(executor, PoolKind.Short).Running);
    }

    [Fact]
    public void Enqueue_ShortBurstWhileLongIdle_TakesIdleSlots()
    {
        var executor = Executor(8);
        for (var i = 0; i < 5; i++) executor.Enqueue(Item("gate", PoolKind.Short));
        Assert.Equal(5, Pool(executor, PoolKind.Short).Running);
    }

    [Fact]
    public void Enqueue_ShortBeyondItsReserve_LongWaitsUntilGivenBack()
    {
        var executor = Executor(8);
        for (var i = 0; i < 8; i++) executor.Enqueue(Item("gate", PoolKind.Short)); // its reserve of 1, and 7 idle slots
        executor.Enqueue(Item("gate", PoolKind.Long));
        Assert.Equal((0, 1), (Pool(executor, PoolKind.Long).Running, Pool(executor, PoolKind.Long).Queued));
    }

    [Fact]
    public void Enqueue_LongAtItsLimitWithWorkWaiting_ShortTakesTheIdleSlots()
    {
        var executor = Executor(8);
        executor.SetLimit(PoolKind.Long, 2);
        for (var i = 0; i < 3; i++) executor.Enqueue(Item("gate", PoolKind.Long));
        for (var i = 0; i < 3; i++) executor.Enqueue(Item("gate", PoolKind.Short));
        Assert.Equal(3, Pool(executor, PoolKind.Short).Running); // slots long's limit leaves idle are nobody's: short work takes them
    }

    [Fact]
    public async Task Run_HandlerThrows_FailsThatTaskOnly()
    {
        var executor = Executor(4);
        executor.Enqueue(Item("fail", PoolKind.Long));
        _gate.Open();
        executor.Enqueue(Item("gate", PoolKind.Long));
        var outcomes = await _events.WaitForAsync(2);
        var failed = Assert.Single(outcomes, o => !o.Succeeded);
        Assert.Contains("boom", failed.Error);
        Assert.Single(outcomes, o => o.Succeeded);
    }

    [Fact]
    public async Task Run_PastTimeout_CancelsTokenAndFails()
    {
        var time = new FakeTimeProvider();
        var executor = Executor(4, time: time);
        executor.Enqueue(new WorkItem(TaskSpec.Create("wait") with { Timeout = TimeSpan.FromSeconds(5) }, PoolKind.Long, null));
        await _events.WaitForStartsAsync(1);
        time.Advance(TimeSpan.FromSeconds(5));
        var outcome = Assert.Single(await _events.WaitForAsync(1));
        Assert.False(outcome.Succeeded);
        Assert.Contains("soft time limit of 00:00:05 reached", outcome.Error);
    }

    [Fact]
    public async Task Admit_TaskNotFittingMemoryBudget_HeldUntilMemoryFrees()
    {
        var executor = Executor(8, memoryBudgetMb: 100);
        executor.Enqueue(Item("gate", PoolKind.Long, memoryMb: 60));
        executor.Enqueue(Item("gate", PoolKind.Long, memoryMb: 60));
        Assert.Equal((1, 1), (Pool(executor, PoolKind.Long).Running, Pool(executor, PoolKind.Long).Queued));
        Assert.Equal(60, Pool(executor, PoolKind.Long).MemoryMb);
        Assert.Equal(1, executor.MemoryDeferrals);

        executor.Enqueue(Item("gate", PoolKind.Short, memoryMb: 30)); // fits beside the first: another pool goes on
        Assert.Equal(1, Pool(executor, PoolKind.Short).Running);

        _gate.Open();
        await _events.WaitForAsync(3);
        Assert.Equal(2, Pool(executor, PoolKind.Long).Completed);
        Assert.Equal(1, executor.MemoryDeferrals); // the held task counted once
    }

    [Fact]
    public void Admit_TaskLargerThanBudget_RunsAloneWhenNothingElseRuns()
    {
        var executor = Executor(8, memoryBudgetMb: 100);
        executor.Enqueue(Item("gate", PoolKind.Long, memoryMb: 500));
        Assert.Equal(1, Pool(executor, PoolKind.Long).Running);

        executor.Enqueue(Item("gate", PoolKind.Short, memoryMb: 1));
        Assert.Equal((0, 1), (Pool(executor, PoolKind.Short).Running, Pool(executor, PoolKind.Short).Queued));
    }

    [Fact]
    public void Admit_TaskLargerThanBudget_WaitsForRunningTasksToFinish()
    {
        var executor = Executor(8, memoryBudgetMb: 100);
        executor.Enqueue(Item("gate", PoolKind.Long, memoryMb: 10));
        executor.Enqueue(Item("gate", PoolKind.Long, memoryMb: 500));
        Assert.Equal((1, 1), (Pool(executor, PoolKind.Long).Running, Pool(executor, PoolKind.Long).Queued));
    }

    private sealed class GateHandler : ITaskHandler
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly SemaphoreSlim _entered = new(0);
        private int _current;
        private int _max;

        public int MaxConcurrent => Volatile.Read(ref _max);

        public void Open() => _open.TrySetResult();

        /// <summary>Waits until <paramref name="count"/> more calls have entered the handler (and been counted in <see cref="MaxConcurrent"/>).</summary>
        public async Task WaitForEntriesAsync(int count)
        {
            for (var i = 0; i < count; i++) Assert.True(await _entered.WaitAsync(TimeSpan.FromSeconds(10)), "a handler was not called");
        }

        public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _current);
            int seen;
            while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen) { }
            _entered.Release();
            await _open.Task;
            Interlocked.Decrement(ref _current);
            return ReadOnlyMemory<byte>.Empty;
        }
    }

    private sealed class FailingHandler : ITaskHandler
    {
        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken) => throw new InvalidOperationException("boom");
    }

    private sealed class WaitForCancelHandler : ITaskHandler
    {
        public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return ReadOnlyMemory<byte>.Empty;
        }
    }

    private sealed class RecordingEvents : ITaskEvents
    {
        private readonly ConcurrentQueue<TaskOutcome> _outcomes = new();
        private readonly SemaphoreSlim _finished = new(0);
        private readonly SemaphoreSlim _started = new(0);

        private int _starts;

        public void Started(WorkItem item, DateTimeOffset startedAt)
        {
            Interlocked.Increment(ref _starts);
            _started.Release();
        }

        /// <summary>Starts reported so far.</summary>
        public int Starts => Volatile.Read(ref _starts);

        /// <summary>Every outcome reported, with its task's id.</summary>
        public ConcurrentQueue<(string TaskId, TaskOutcome Outcome)> Reports { get; } = new();

        public Task Finished(WorkItem item, TaskOutcome outcome)
        {
            Reports.Enqueue((item.Spec.Id, outcome));
            _outcomes.Enqueue(outcome);
            _finished.Release();
            return Task.CompletedTask;
        }

        public async Task WaitForStartsAsync(int count)
        {
            for (var i = 0; i < count; i++) Assert.True(await _started.WaitAsync(TimeSpan.FromSeconds(10)), "a task did not start");
        }

        public async Task<TaskOutcome[]> WaitForAsync(int count)
        {
            for (var i = 0; i < count; i++) Assert.True(await _finished.WaitAsync(TimeSpan.FromSeconds(10)), "a task did not finish");
            return [.. _outcomes];
        }
    }
}
