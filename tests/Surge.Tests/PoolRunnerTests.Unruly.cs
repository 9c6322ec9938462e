using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Surge.Hosting;
using Surge.Policies;
using Surge.Pools;
using Surge.Routing;
using Surge.Tasks;
using Surge.Workers;

namespace Surge.Tests;

// Handlers that misbehave as badly as a handler can: one that blocks its thread without ever awaiting, one that cannot
// even be built. Each fails only its own task; the one slot they held goes to the next task.
public partial class PoolRunnerTests
{
    [Fact]
    public async Task Run_HandlerBlocksItsThreadPastTheHardLimit_SlotFreedForTheNextTaskAndItsLateResultDropped()
    {
        var time = new FakeTimeProvider();
        var blocker = new BlockingHandler();
        var policies = new TaskPoliciesOptions { Types = { ["blocker"] = new TaskPolicy { SoftTimeLimit = TimeSpan.FromSeconds(5), HardLimitGrace = TimeSpan.FromSeconds(10) } } };
        var executor = Executor(1, RoutingMode.Single, time, policies: policies, extra: ("blocker", blocker));
        var blocked = new WorkItem(TaskSpec.Create("blocker"), PoolKind.Single, null);
        try
        {
            executor.Enqueue(blocked); // returns: the handler blocks a thread of its own, not the caller's
            Assert.True(blocker.Entered.Wait(TimeSpan.FromSeconds(10)), "the blocking handler did not start");
            await _events.WaitForStartsAsync(1);
            var next = new WorkItem(TaskSpec.Create("gate"), PoolKind.Single, null);
            executor.Enqueue(next);
            Assert.Equal((1, 1), (Pool(executor, PoolKind.Single).Running, Pool(executor, PoolKind.Single).Queued));

            time.Advance(TimeSpan.FromSeconds(15)); // soft 5 s + grace 10 s, with the handler's thread still blocked
            var failed = Assert.Single(await _events.WaitForAsync(1));
            Assert.False(failed.Succeeded);
            Assert.Contains("hard time limit of 00:00:15 reached", failed.Error);
            await _events.WaitForStartsAsync(1); // the next task has the slot the blocked thread still sits in
            Assert.False(blocker.Returned);
            Assert.Equal(1, executor.Abandoned);

            _gate.Open();
            Assert.True((await _events.WaitForAsync(1))[^1].Succeeded);

            blocker.Release.Set();
            await Eventually.TrueAsync(() => blocker.Returned, "the blocked handler to return");
            var probe = new WorkItem(TaskSpec.Create("gate"), PoolKind.Single, null); // runs after whatever the late return set off
            executor.Enqueue(probe);
            await _events.WaitForAsync(1);
            Assert.Single(_events.Reports, r => r.TaskId == blocked.Spec.Id); // its late result was dropped, not reported
            Assert.Equal((0, 0), (Pool(executor, PoolKind.Single).Running, Pool(executor, PoolKind.Single).Queued));
        }
        finally
        {
            blocker.Release.Set();
        }
    }

    [Fact]
    public async Task Run_HandlerCannotBeConstructed_FailsOnlyThatTaskAndTheSlotRunsTheNext()
    {
        var services = new ServiceCollection();
        services.AddScoped<BuiltFirst>();
        services.AddScoped<NeverBuilt>();
        new SurgeWorkersBuilder(services).AddHandler<UnbuildableHandler>("unbuildable");
        services.AddKeyedSingleton<ITaskHandler>("gate", _gate);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var registry = new HandlerRegistry(provider, [.. provider.GetServices<HandlerRegistration>(), new("gate")]);
        var t = new TaskOptions();
        var executor = new PoolRunner(Options.Create(new WorkerOptions { MaxConcurrency = 1, DefaultTimeout = TimeSpan.FromSeconds(30), MemoryBudgetMb = 1_000_000 }),
            Options.Create(new PoolsOptions()), new PoolShape(RoutingMode.Single), Options.Create(new TaskPoliciesOptions()),
            new RunBounds(t.MaxTimeout, t.MaxResultBytes, TaskOptions.Section), registry, _events, TimeProvider.System, NullLogger<PoolRunner>.Instance);

        var broken = Enumerable.Range(0, 3).Select(_ => new WorkItem(TaskSpec.Create("unbuildable"), PoolKind.Single, null)).ToList();
        foreach (var item in broken) executor.Enqueue(item);
        var next = new WorkItem(TaskSpec.Create("gate"), PoolKind.Single, null);
        executor.Enqueue(next);
        _gate.Open();

        var outcomes = await _events.WaitForAsync(4);
        Assert.All(_events.Reports.Where(r => r.TaskId != next.Spec.Id), r =>
        {
            Assert.False(r.Outcome.Succeeded);
            Assert.Contains("the handler's connection string is missing", r.Outcome.Error);
        });
        Assert.True(Assert.Single(_events.Reports, r => r.TaskId == next.Spec.Id).Outcome.Succeeded);
        Assert.Equal(4, outcomes.Length);
        Assert.Equal((0, 0), (Pool(executor, PoolKind.Single).Running, Pool(executor, PoolKind.Single).Queued));
        Assert.Equal((3, 3), BuiltFirst.Counts); // what was built for them before the failure went with their scopes
    }

    // A handler's exception is its code too: one whose Message or ToString throws (a bug in a custom exception) must
    // fail its task like any other, with the log and the attempt's span on (both format the exception), and give the
    // one slot to the next task.
    [Theory]
    [InlineData(false)] // only ToString throws: what a log line or a span's exception event reads
    [InlineData(true)]  // its Message throws too: what the task's error reads
    public async Task Run_HandlerThrowsAnExceptionThatCannotBeDescribed_FailsThatTaskAndTheSlotRunsTheNext(bool messageThrows)
    {
        using var listener = TraceParentTests.Listen();
        var executor = Executor(1, RoutingMode.Single, extra: ("undescribable", new UndescribableHandler(messageThrows)), logger: new FormattingLogger());
        var bad = new WorkItem(TaskSpec.Create("undescribable"), PoolKind.Single, null);
        var next = new WorkItem(TaskSpec.Create("gate"), PoolKind.Single, null);
        executor.Enqueue(bad);
        executor.Enqueue(next);
        _gate.Open();

        await _events.WaitForAsync(2);
        var failed = Assert.Single(_events.Reports, r => r.TaskId == bad.Spec.Id).Outcome;
        Assert.False(failed.Succeeded);
        Assert.StartsWith(nameof(UndescribableException), failed.Error);
        Assert.Equal(typeof(UndescribableException).FullName, failed.ErrorType);
        Assert.True(Assert.Single(_events.Reports, r => r.TaskId == next.Spec.Id).Outcome.Succeeded);
        Assert.Equal((0, 0), (Pool(executor, PoolKind.Single).Running, Pool(executor, PoolKind.Single).Queued));
    }

    // A handler that registered a callback on its token which throws (it stops a client, a process, that is already
    // gone): cancelling the token throws. The soft limit's cancel came from the token's own timer, on a timer thread,
    // where the throw is unhandled and ends the process; a cancel request's came back to whoever asked.
    [Theory]
    [InlineData(false)] // the soft time limit cancels it
    [InlineData(true)]  // a cancel request does
    public async Task Run_HandlersCancellationCallbackThrows_TaskEndsAndNothingThrowsOutOfTheCancel(bool request)
    {
        var time = new FakeTimeProvider();
        var handler = new ThrowingCallbackHandler();
        var policies = new TaskPoliciesOptions { Types = { ["throwing-callback"] = new TaskPolicy { SoftTimeLimit = TimeSpan.FromSeconds(5) } } };
        var executor = Executor(1, RoutingMode.Single, time, policies: policies, extra: ("throwing-callback", handler));
        var item = new WorkItem(TaskSpec.Create("throwing-callback"), PoolKind.Single, null);
        executor.Enqueue(item);
        await handler.Registered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        if (request) Assert.True(executor.Cancel(item.Spec.Id));
        else time.Advance(TimeSpan.FromSeconds(5));

        var outcome = Assert.Single(await _events.WaitForAsync(1));
        Assert.Equal(request ? "cancelled" : "soft time limit of 00:00:05 reached: the handler's token was cancelled", outcome.Error);
        Assert.Equal(0, Pool(executor, PoolKind.Single).Running);
    }

    private sealed class ThrowingCallbackHandler : ITaskHandler
    {
        public TaskCompletionSource Registered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
        {
            using var stop = cancellationToken.Register(() => throw new InvalidOperationException("No process is associated with this object."));
            Registered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return ReadOnlyMemory<byte>.Empty;
        }
    }

    private sealed class UndescribableException(bool messageThrows) : Exception
    {
        public override string Message => messageThrows ? throw new NullReferenceException("its message") : "undescribable";

        public override string ToString() => throw new NullReferenceException("its text");
    }

    private sealed class UndescribableHandler(bool messageThrows) : ITaskHandler
    {
        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken) => throw new UndescribableException(messageThrows);
    }

    /// <summary>Writes every level, the exception as its ToString, as a console or file logger does.</summary>
    private sealed class FormattingLogger : Microsoft.Extensions.Logging.ILogger<PoolRunner>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
            => _ = formatter(state, exception) + exception?.ToString();
    }

    /// <summary>Blocks its thread, without awaiting, until released; ignores its token.</summary>
    private sealed class BlockingHandler : ITaskHandler
    {
        private volatile bool _returned;

        public ManualResetEventSlim Entered { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        public bool Returned => _returned;

        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
        {
            Entered.Set();
            Release.Wait(); // CancellationToken ignored on purpose
            _returned = true;
            return ValueTask.FromResult<ReadOnlyMemory<byte>>("\"late\""u8.ToArray());
        }
    }

    /// <summary>A scoped service built before the one that fails: it must go with the run's scope.</summary>
    private sealed class BuiltFirst : IDisposable
    {
        private static int _built, _disposed;

        public BuiltFirst() => Interlocked.Increment(ref _built);

        public static (int Built, int Disposed) Counts => (Volatile.Read(ref _built), Volatile.Read(ref _disposed));

        public void Dispose() => Interlocked.Increment(ref _disposed);
    }

    /// <summary>A dependency whose construction throws, as one missing its configuration does.</summary>
    private sealed class NeverBuilt
    {
        public NeverBuilt() => throw new InvalidOperationException("the handler's connection string is missing");
    }

    private sealed class UnbuildableHandler(BuiltFirst first, NeverBuilt never) : ITaskHandler
    {
        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
            => throw new InvalidOperationException($"never reached: {first}, {never}");
    }
}
