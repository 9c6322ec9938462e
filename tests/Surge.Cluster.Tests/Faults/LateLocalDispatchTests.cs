using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Surge.Routing;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// A shard's batch to its own silo's classifier times out while the classifier is slow, and arrives after all: the
/// shard's upkeep has dispatched the task again by then (a crash recovery), and the late batch must not start a second
/// run beside it.
/// </summary>
public class LateLocalDispatchTests
{
    private const string TaskId = "late-local";

    [Fact]
    public async Task Dispatch_LocalBatchTimesOutAndArrivesAfterTheRecovery_RunsOnceAtATime()
    {
        await using var surge = await SurgeCluster.StartAsync(null, b => b.AddSiloBuilderConfigurator<SlowFirstClassify>());
        var spec = TaskSpec.Create(IntervalHandler.TypeName, id: TaskId);

        await surge.Client.SubmitAsync(spec);
        await SlowFirstClassify.LateDelivered.Task.WaitAsync(TimeSpan.FromSeconds(30)); // after the recovery's dispatch is in the pools
        var pools = await surge.Client.GetPoolsAsync();
        var status = await surge.Client.GetStatusAsync(TaskId);
        IntervalHandler.Release(TaskId);

        Assert.Equal(2, status!.Attempts); // the timed-out dispatch, then the recovery's
        Assert.Equal(1, pools.Sum(p => p.Started + p.Queued));
        Assert.Equal(TaskState.Succeeded, (await surge.Client.WaitAsync(TaskId, TimeSpan.FromSeconds(30))).State);
    }

    /// <summary>
    /// Short call timeouts and upkeep; the first classifier call carrying the task is held until the recovery's
    /// dispatch of it has reached the pools (past the caller's timeout), then goes on: a slow classifier.
    /// </summary>
    private sealed class SlowFirstClassify : ISiloConfigurator
    {
        public static readonly TaskCompletionSource LateDelivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private static readonly TaskCompletionSource Recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private static int _calls;

        public void Configure(ISiloBuilder silo)
        {
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(2));
            silo.Services.AddSingleton(new RecoveryOptions { RedispatchOnActivation = true, UpkeepPeriod = TimeSpan.FromSeconds(1) });
            silo.AddIncomingGrainCallFilter(async context =>
            {
                if (context.InterfaceMethod?.DeclaringType != typeof(IClassifierGrain)
                    || context.Request.GetArgument(0) is not DispatchBatch batch || !batch.Items.Any(i => i.Spec.Id == TaskId))
                {
                    await context.Invoke();
                    return;
                }
                if (Interlocked.Increment(ref _calls) == 1)
                {
                    await Recovered.Task.WaitAsync(TimeSpan.FromSeconds(20));
                    await context.Invoke();
                    LateDelivered.TrySetResult();
                    return;
                }
                await context.Invoke();
                Recovered.TrySetResult();
            });
        }
    }
}
