using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Surge.Pools;
using Surge.Routing;
using Surge.Tasks;
using Surge.Telemetry;
using Surge.Workers;

namespace Surge.Tests;

// Each attempt's span, under the trace its task carries, and the log scope around its run.
public partial class PoolRunnerTests
{
    private const string Traced = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private PoolRunner TracedExecutor(ILogger<PoolRunner> logger)
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton<ITaskHandler>("probe", new SpanProbeHandler());
        services.AddKeyedSingleton<ITaskHandler>("fail", new FailingHandler());
        var registry = new HandlerRegistry(services.BuildServiceProvider(), [new("probe"), new("fail")]);
        var t = new TaskOptions();
        return new PoolRunner(Options.Create(new WorkerOptions { MaxConcurrency = 4, DefaultTimeout = TimeSpan.FromSeconds(30), MemoryBudgetMb = 1_000_000 }),
            Options.Create(new PoolsOptions()), new PoolShape(RoutingMode.Single), Options.Create(new Policies.TaskPoliciesOptions()),
            new RunBounds(t.MaxTimeout, t.MaxResultBytes, TaskOptions.Section), registry, _events, TimeProvider.System, logger);
    }

    [Fact]
    public async Task Run_TaskCarriesTraceParent_AttemptSpanJoinsItsTraceAndIsTheHandlersCurrent()
    {
        var ended = new ConcurrentQueue<Activity>();
        using var listener = TraceParentTests.Listen();
        listener.ActivityStopped = ended.Enqueue;
        var item = new WorkItem(TaskSpec.Create("probe") with { TraceParent = Traced }, PoolKind.Single, null, attempt: 2);

        TracedExecutor(new FakeLogger<PoolRunner>()).Enqueue(item);
        await _events.WaitForAsync(1);

        var span = await Eventually.ValueAsync(() => Task.FromResult(ended.FirstOrDefault(a => Equals(a.GetTagItem(SurgeTracing.TaskIdTag), item.Spec.Id))),
            a => a is not null, "the attempt's span ended");
        Assert.Equal(SurgeTracing.AttemptSpan, span!.OperationName);
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", span.TraceId.ToHexString());
        Assert.Equal("00f067aa0ba902b7", span.ParentSpanId.ToHexString());
        Assert.Equal(("probe", 2, "single"), (span.GetTagItem(SurgeTracing.TaskTypeTag), span.GetTagItem(SurgeTracing.AttemptTag), span.GetTagItem(SurgeTracing.PoolTag)));
        Assert.Equal(span.SpanId, SpanProbeHandler.Seen[item.Spec.Id]); // the handler's own spans would be its children
    }

    [Fact]
    public async Task Run_DispatchTraced_AttemptSpanIsItsChild()
    {
        const string dispatch = "00-4bf92f3577b34da6a3ce929d0e0e4736-a3ce929d0e0e4736-01";
        var ended = new ConcurrentQueue<Activity>();
        using var listener = TraceParentTests.Listen();
        listener.ActivityStopped = ended.Enqueue;
        var item = new WorkItem(TaskSpec.Create("probe") with { TraceParent = Traced }, PoolKind.Single, null, traceParent: dispatch);

        TracedExecutor(new FakeLogger<PoolRunner>()).Enqueue(item);
        await _events.WaitForAsync(1);

        var span = await Eventually.ValueAsync(() => Task.FromResult(ended.FirstOrDefault(a => Equals(a.GetTagItem(SurgeTracing.TaskIdTag), item.Spec.Id))),
            a => a is not null, "the attempt's span ended");
        Assert.Equal("a3ce929d0e0e4736", span!.ParentSpanId.ToHexString());
    }

    [Fact]
    public async Task Run_HandlerThrows_AttemptSpanFailedAndLogsScopedToTheTask()
    {
        var ended = new ConcurrentQueue<Activity>();
        using var listener = TraceParentTests.Listen();
        listener.ActivityStopped = ended.Enqueue;
        var logger = new FakeLogger<PoolRunner>();
        var item = new WorkItem(TaskSpec.Create("fail") with { TraceParent = Traced }, PoolKind.Single, null);

        TracedExecutor(logger).Enqueue(item);
        Assert.False(Assert.Single(await _events.WaitForAsync(1)).Succeeded);

        var span = await Eventually.ValueAsync(() => Task.FromResult(ended.FirstOrDefault(a => Equals(a.GetTagItem(SurgeTracing.TaskIdTag), item.Spec.Id))),
            a => a is not null, "the attempt's span ended");
        Assert.Equal(ActivityStatusCode.Error, span!.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
        Assert.Contains(span.Events, e => e.Name == "exception");

        var failed = Assert.Single(logger.Collector.GetSnapshot(), r => r.Exception is not null);
        var scope = Assert.Single(failed.Scopes.OfType<IReadOnlyList<KeyValuePair<string, object?>>>());
        Assert.Contains(new KeyValuePair<string, object?>("TaskId", item.Spec.Id), scope);
        Assert.Contains(new KeyValuePair<string, object?>("TraceId", "4bf92f3577b34da6a3ce929d0e0e4736"), scope);
    }

    [Fact]
    public async Task Run_TaskCarriesTraceParent_ScopeNamesItsTraceId()
    {
        var logger = new FakeLogger<PoolRunner>();
        var item = new WorkItem(TaskSpec.Create("fail") with { TraceParent = Traced }, PoolKind.Single, null);

        TracedExecutor(logger).Enqueue(item);
        await _events.WaitForAsync(1);

        var failed = Assert.Single(logger.Collector.GetSnapshot(), r => r.Exception is not null);
        var scope = Assert.Single(failed.Scopes.OfType<IReadOnlyList<KeyValuePair<string, object?>>>());
        Assert.Contains(new KeyValuePair<string, object?>("TraceId", "4bf92f3577b34da6a3ce929d0e0e4736"), scope);
    }

    /// <summary>Records the span current while it runs, by task id.</summary>
    private sealed class SpanProbeHandler : ITaskHandler
    {
        public static readonly ConcurrentDictionary<string, ActivitySpanId> Seen = new();

        public ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
        {
            Seen[context.TaskId] = Activity.Current?.SpanId ?? default;
            return ValueTask.FromResult(ReadOnlyMemory<byte>.Empty);
        }
    }
}
