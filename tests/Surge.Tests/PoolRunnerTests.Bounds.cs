using Microsoft.Extensions.Time.Testing;
using Surge.Policies;
using Surge.Routing;
using Surge.Tasks;
using Surge.Pools;
using Surge.Workers;

namespace Surge.Tests;

public partial class PoolRunnerTests
{
    [Fact]
    public async Task Run_TimeoutOverMaxTimeout_FailsThatTaskAndFreesItsSlot()
    {
        var executor = Executor(2, RoutingMode.Single, new FakeTimeProvider());
        for (var i = 0; i < 2; i++) executor.Enqueue(new WorkItem(TaskSpec.Create("gate") with { Timeout = TimeSpan.FromDays(50) }, PoolKind.Single, null));

        var failures = await _events.WaitForAsync(2);
        Assert.All(failures, f => Assert.False(f.Succeeded));
        Assert.All(failures, f => Assert.Contains("time limit 50.00:00:00 is outside 0 to 7.00:00:00 (Surge:Tasks:MaxTimeout)", f.Error));
        Assert.All(failures, f => Assert.Equal(typeof(NonRetryableTaskException).FullName, f.ErrorType));
        Assert.Equal(0, _gate.MaxConcurrent); // no handler ran

        // Both slots are free again: ordinary tasks run.
        _gate.Open();
        for (var i = 0; i < 2; i++) executor.Enqueue(Item("gate", PoolKind.Single));
        var all = await _events.WaitForAsync(2);
        Assert.Equal(2, all.Count(o => o.Succeeded));
        Assert.Equal((0, 0), (Pool(executor, PoolKind.Single).Running, Pool(executor, PoolKind.Single).Queued));
    }

    [Fact]
    public async Task Run_TimerCannotBeArmed_FailsThatTaskAndFreesItsSlot()
    {
        // A limit no timer can wait for (over about 49.7 days), let through by an unchecked MaxTimeout: setting it up throws.
        var executor = Executor(1, RoutingMode.Single, tasks: new TaskOptions { MaxTimeout = TimeSpan.FromDays(60) });
        executor.Enqueue(new WorkItem(TaskSpec.Create("gate") with { Timeout = TimeSpan.FromDays(50) }, PoolKind.Single, null));

        var failure = Assert.Single(await _events.WaitForAsync(1));
        Assert.Contains(nameof(ArgumentOutOfRangeException), failure.Error);
        _gate.Open();
        executor.Enqueue(Item("gate", PoolKind.Single));
        Assert.True((await _events.WaitForAsync(1))[^1].Succeeded);
    }

    [Fact]
    public async Task Run_ResultOverMaxResultBytes_FailsNamingSizeLimitAndKey()
    {
        var executor = Executor(1, RoutingMode.Single, extra: ("big", new SizedHandler(2_000)), tasks: new TaskOptions { MaxResultBytes = 1_000 });
        executor.Enqueue(new WorkItem(TaskSpec.Create("big"), PoolKind.Single, null));

        var outcome = Assert.Single(await _events.WaitForAsync(1));
        Assert.False(outcome.Succeeded);
        Assert.Contains("the result is 2000 bytes, over the limit of 1000 bytes (Surge:Tasks:MaxResultBytes)", outcome.Error);
        Assert.True(outcome.Result.IsEmpty);
        Assert.Equal(0, Pool(executor, PoolKind.Single).Running);
    }

    [Fact]
    public async Task Run_ResultAtMaxResultBytes_Succeeds()
    {
        var executor = Executor(1, RoutingMode.Single, extra: ("big", new SizedHandler(1_000)), tasks: new TaskOptions { MaxResultBytes = 1_000 });
        executor.Enqueue(new WorkItem(TaskSpec.Create("big"), PoolKind.Single, null));
        Assert.Equal(1_000, Assert.Single(await _events.WaitForAsync(1)).Result.Length);
    }

    // A handler's exception message can be anything it was given (a response body, a dump): 10 million characters
    // went whole into the outcome, its message to the shard, the record and every read of its status.
    [Fact]
    public async Task Run_HandlerThrowsAHugeMessage_ErrorKeepsItsStartAndSaysHowMuchWasCut()
    {
        const int huge = 10_000_000;
        var executor = Executor(1, RoutingMode.Single, extra: ("huge", new HugeErrorHandler(huge)));
        executor.Enqueue(new WorkItem(TaskSpec.Create("huge"), PoolKind.Single, null));

        var outcome = Assert.Single(await _events.WaitForAsync(1));
        Assert.False(outcome.Succeeded);
        var kept = "InvalidOperationException: ".Length;
        Assert.Equal($"InvalidOperationException: {new string('x', TaskStatus.MaxErrorLength - kept)}… ({huge + kept - TaskStatus.MaxErrorLength} more characters cut)",
            outcome.Error);
        Assert.Equal(typeof(InvalidOperationException).FullName, outcome.ErrorType);
        Assert.Equal(0, Pool(executor, PoolKind.Single).Running);
    }

    [Fact]
    public async Task Cancel_QueuedItem_ReportsNotStartedOnceWithoutWaitingForASlot()
    {
        var executor = Executor(1, RoutingMode.Single);
        executor.Enqueue(Item("gate", PoolKind.Single));
        var queued = new WorkItem(TaskSpec.Create("gate"), PoolKind.Single, 12.5, attempt: 2);
        executor.Enqueue(queued);
        await _events.WaitForStartsAsync(1);

        Assert.True(executor.Cancel(queued.Spec.Id));
        executor.Cancel(queued.Spec.Id); // twice: still one outcome
        var outcome = Assert.Single(await _events.WaitForAsync(1)); // while the only slot is still taken
        Assert.Equal((false, false, "cancelled before it started"), (outcome.Succeeded, outcome.Ran, outcome.Error));
        Assert.Equal((PoolKind.Single, 12.5, 2), (outcome.Pool, outcome.PredictedMs, outcome.Attempt));

        _gate.Open();
        await _events.WaitForAsync(1);
        await RunBehindAsync(executor);
        Assert.Single(_events.Reports, r => r.TaskId == queued.Spec.Id);
        Assert.Equal(1, _gate.MaxConcurrent); // the cancelled one never ran
        await WaitUntilAsync(() => !executor.IsActive(queued.Spec.Id));
    }

    [Fact]
    public async Task Cancel_ItemWaitingForItsCap_ReportsNotStarted()
    {
        var policies = new TaskPoliciesOptions { Types = { ["gate"] = new TaskPolicy { MaxRunning = 1 } } };
        var executor = Executor(2, RoutingMode.Single, policies: policies);
        var waiting = new WorkItem(TaskSpec.Create("gate"), PoolKind.Single, null);
        executor.Enqueue(waiting); // no lease yet: waits for its cap

        Assert.True(executor.Cancel(waiting.Spec.Id));
        var outcome = Assert.Single(await _events.WaitForAsync(1));
        Assert.False(outcome.Ran);
        await WaitUntilAsync(() => !executor.IsActive(waiting.Spec.Id));
        Assert.Equal(0, executor.WaitingAtGate("gate"));
    }

    [Fact]
    public async Task DrainAsync_Finish_WaitsForNotStartedReport()
    {
        var executor = Executor(1, RoutingMode.Single);
        executor.Enqueue(Item("gate", PoolKind.Single));
        var queued = Item("gate", PoolKind.Single);
        executor.Enqueue(queued);
        await _events.WaitForStartsAsync(1);
        executor.Cancel(queued.Spec.Id);
        _gate.Open();

        var result = await executor.DrainAsync(handOver: false, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(new DrainResult(HandedOver: 0, Unfinished: 0), result);
        Assert.Equal(2, _events.Reports.Count);
    }

    [Fact]
    public async Task Cancel_BetweenDequeueAndStart_HandlerNeverCalledSlotFreed()
    {
        // The run is held after its start was decided and before it registers (arming its soft-limit timer). The cancel
        // that lands there used to cancel the token of a handler that was then called all the same: a cancelled task
        // started (a chaos run saw one start 279 ms after its cancel was answered).
        var time = new HeldTimeProvider();
        var executor = Executor(1, RoutingMode.Single, time);
        var item = new WorkItem(TaskSpec.Create("wait"), PoolKind.Single, null);
        executor.Enqueue(item);
        Assert.True(time.Entered.Wait(TimeSpan.FromSeconds(10)), "the run did not start");

        Assert.True(executor.Cancel(item.Spec.Id));
        time.Release.Set();
        var outcome = Assert.Single(await _events.WaitForAsync(1));
        Assert.Equal((PoolLedger.CancelledBeforeStart, false), (outcome.Error, outcome.Ran));
        Assert.Equal(0, _events.Starts);

        var next = new WorkItem(TaskSpec.Create("fail"), PoolKind.Single, null); // its one slot is free again: this one runs
        executor.Enqueue(next);
        await _events.WaitForAsync(1);
        var (id, ran) = _events.Reports.Last();
        Assert.Equal((next.Spec.Id, true), (id, ran.Ran));
    }

    // Told it is dead (the others declared it so while it could not reach them), a silo starts nothing more: the
    // survivors run what it held as crash recoveries. Orleans stops it a moment later.
    [Fact]
    public async Task Run_SiloDeclaredDead_HandlerNeverCalledReportedNotStarted()
    {
        var me = new DeadSilo();
        var membership = new FixedMembership(new ClusterMembershipSnapshot(
            System.Collections.Immutable.ImmutableDictionary<SiloAddress, ClusterMember>.Empty.Add(me.SiloAddress, new ClusterMember(me.SiloAddress, SiloStatus.Dead, "me")),
            new MembershipVersion(2)));
        var executor = Executor(1, RoutingMode.Single, silo: me, membership: membership);
        executor.Enqueue(new WorkItem(TaskSpec.Create("fail"), PoolKind.Single, null));

        var outcome = Assert.Single(await _events.WaitForAsync(1));
        Assert.Equal((PoolLedger.SiloDeclaredDead, false), (outcome.Error, outcome.Ran));
        Assert.Equal(0, _events.Starts);
        Assert.Equal(0, Pool(executor, PoolKind.Single).Running);
    }

    private sealed class DeadSilo : ILocalSiloDetails
    {
        public string Name => "me";
        public string ClusterId => "c";
        public string DnsHostName => "localhost";
        public SiloAddress SiloAddress { get; } = SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 11111), 3);
        public SiloAddress GatewayAddress => SiloAddress;
    }

    private sealed class SizedHandler(int bytes) : ITaskHandler
    {
        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[bytes]);
    }

    private sealed class HugeErrorHandler(int length) : ITaskHandler
    {
        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
            => throw new InvalidOperationException(new string('x', length));
    }

    // Holds the first timer it is asked for until released.
    private sealed class HeldTimeProvider : TimeProvider
    {
        private int _held;

        public ManualResetEventSlim Entered { get; } = new();
        public ManualResetEventSlim Release { get; } = new();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (Interlocked.Exchange(ref _held, 1) == 0)
            {
                Entered.Set();
                Release.Wait(TimeSpan.FromSeconds(30));
            }
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
