using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Surge.Pools;
using Surge.Prediction;
using Surge.Routing;
using Surge.Tasks;
using Surge.Telemetry;

namespace Surge.Tests;

/// <summary>How a run's outcome reaches its task's shard: the only thing that makes the task final, so it is delivered until it lands.</summary>
public class GrainTaskEventsTests
{
    [Fact]
    public async Task Finished_ShardCallCancelledByTheRuntime_DeliveredOnceTheShardAnswers()
    {
        // The runtime gives up a call in flight to a silo that died with an OperationCanceledException that nobody asked
        // for (Failovers, TransientFaults): the shard is moving to a survivor, which takes the outcome.
        var grains = ShardStandIn.Create(out var shard);
        shard.Faults.Enqueue(new OperationCanceledException("the runtime gave up the call"));
        var events = new GrainTaskEvents(grains, new BaselinePredictor(), new HistoryBuffer(16), Options.Create(new RoutingOptions()), new RoutingScore(),
            null!, new TaskMemoryPeaks(), TimeProvider.System, NullLogger<GrainTaskEvents>.Instance);
        var item = new WorkItem(TaskSpec.Create("flaky") with { Id = "t1" }, PoolKind.Single, predictedMs: null, attempt: 3);
        var now = DateTimeOffset.UtcNow;
        var failed = new TaskOutcome(false, "attempt 3 failed", ReadOnlyMemory<byte>.Empty, PoolKind.Single, null, now, now, 3);

        await events.Finished(item, failed).WaitAsync(TimeSpan.FromSeconds(20));

        // Dropped, the record would say the run is still on this silo, which no longer holds it: recovery would run the
        // task again as a crash recovery, a fourth run of a task whose third and last attempt failed.
        Assert.True(shard.Delivered.TryDequeue(out var delivered),
            $"the outcome of attempt 3 never reached its shard after one call was cancelled by the runtime ({shard.Calls} call(s) made)");
        Assert.Equal(("t1", 3), (delivered.TaskId, delivered.Outcome.Attempt));
    }

    /// <summary>A grain factory whose task shards are one stand-in: it throws the queued faults, then takes outcomes.</summary>
    public class ShardStandIn : DispatchProxy
    {
        public ConcurrentQueue<Exception> Faults { get; } = new();
        internal ConcurrentQueue<(string TaskId, TaskOutcome Outcome)> Delivered { get; } = new();
        public int Calls;

        internal static IGrainFactory Create(out ShardStandIn shard)
        {
            var lifecycle = DispatchProxy.Create<ITaskShardLifecycle, ShardStandIn>();
            shard = (ShardStandIn)(object)lifecycle;
            var factory = DispatchProxy.Create<IGrainFactory, Factory>();
            ((Factory)(object)factory).Shard = lifecycle;
            return factory;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != nameof(ITaskShardLifecycle.OnFinishedAsync)) throw new NotSupportedException(targetMethod?.Name);
            Interlocked.Increment(ref Calls);
            if (Faults.TryDequeue(out var fault)) return Task.FromException(fault);
            Delivered.Enqueue(((string)args![0]!, (TaskOutcome)args[1]!));
            return Task.CompletedTask;
        }
    }

    public class Factory : DispatchProxy
    {
        internal object? Shard { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
            => targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } ? Shard : throw new NotSupportedException(targetMethod?.Name);
    }
}
