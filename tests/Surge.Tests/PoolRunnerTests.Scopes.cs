using System.Collections.Concurrent;
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

// Each run's DI scope: created when the run starts, disposed however it ends.
public partial class PoolRunnerTests
{
    private static readonly TaskPoliciesOptions ScopePolicies = new()
    {
        Types = { ["scoped"] = new TaskPolicy { SoftTimeLimit = TimeSpan.FromSeconds(5), HardLimitGrace = TimeSpan.FromSeconds(10) } },
    };

    private PoolRunner ScopedExecutor(TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddScoped<ScopeProbe>();
        new SurgeWorkersBuilder(services).AddHandler<ScopedHandler>("scoped");
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var registry = new HandlerRegistry(provider, provider.GetServices<HandlerRegistration>());
        var t = new TaskOptions();
        return new PoolRunner(Options.Create(new WorkerOptions { MaxConcurrency = 4, DefaultTimeout = TimeSpan.FromSeconds(30), MemoryBudgetMb = 1_000_000 }),
            Options.Create(new PoolsOptions()), new PoolShape(RoutingMode.Single), Options.Create(ScopePolicies),
            new RunBounds(t.MaxTimeout, t.MaxResultBytes, TaskOptions.Section), registry, _events, time, NullLogger<PoolRunner>.Instance);
    }

    private static WorkItem Scoped(string behaviour) => new(TaskSpec.Create("scoped", $"\"{behaviour}\""), PoolKind.Single, null);

    [Theory]
    [InlineData("return", null)]
    [InlineData("throw", "InvalidOperationException: asked to throw")]
    [InlineData("cancel", "cancelled")]
    [InlineData("timeout", "soft time limit of 00:00:05 reached")]
    public async Task Run_AnyEnd_DisposesTheRunsScopeBeforeReporting(string behaviour, string? error)
    {
        var time = new FakeTimeProvider();
        var executor = ScopedExecutor(time);
        var item = Scoped(behaviour);
        executor.Enqueue(item);
        var probe = await ScopeProbe.EnteredAsync(item.Spec.Id);
        if (behaviour == "cancel") executor.Cancel(item.Spec.Id);
        if (behaviour == "timeout") time.Advance(TimeSpan.FromSeconds(5));

        var outcome = Assert.Single(await _events.WaitForAsync(1));

        Assert.Equal(error is null, outcome.Succeeded);
        if (error is not null) Assert.Contains(error, outcome.Error);
        Assert.True(probe.Disposed);
    }

    [Fact]
    public async Task Run_AbandonedAtHardLimit_DisposesTheScopeOnlyWhenTheHandlerReturns()
    {
        var time = new FakeTimeProvider();
        var executor = ScopedExecutor(time);
        var item = Scoped("stubborn");
        executor.Enqueue(item);
        var probe = await ScopeProbe.EnteredAsync(item.Spec.Id);

        time.Advance(TimeSpan.FromSeconds(15)); // soft 5 s + grace 10 s
        var outcome = Assert.Single(await _events.WaitForAsync(1));
        Assert.Contains("hard time limit", outcome.Error);
        Assert.False(probe.Disposed); // the abandoned handler may still be using its services

        probe.Release.TrySetResult();
        await Eventually.TrueAsync(() => probe.Disposed, "the abandoned run's scope disposed once its handler returned");
    }

    /// <summary>A scoped service: knows when its scope is disposed, and lets a stubborn handler go.</summary>
    private sealed class ScopeProbe : IAsyncDisposable
    {
        private static readonly ConcurrentDictionary<string, TaskCompletionSource<ScopeProbe>> Entered = new();

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Disposed { get; private set; }

        public static Task<ScopeProbe> EnteredAsync(string taskId) => Slot(taskId).Task.WaitAsync(TimeSpan.FromSeconds(10));

        public void Enter(string taskId) => Slot(taskId).TrySetResult(this);

        private static TaskCompletionSource<ScopeProbe> Slot(string taskId) => Entered.GetOrAdd(taskId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ScopedHandler(ScopeProbe probe) : ITaskHandler
    {
        public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
        {
            var behaviour = System.Text.Json.JsonSerializer.Deserialize<string>(context.Payload.Span);
            probe.Enter(context.TaskId);
            switch (behaviour)
            {
                case "throw": throw new InvalidOperationException("asked to throw");
                case "cancel" or "timeout": await Task.Delay(Timeout.Infinite, cancellationToken); break;
                case "stubborn": await probe.Release.Task; break;
            }
            return ReadOnlyMemory<byte>.Empty;
        }
    }
}
