using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Surge.Routing;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// A shard's batch to its own silo's classifier times out while the classifier is slow, and arrives after all: the
/// shard's upkeep has dispatched the task again by then (a crash recovery). Whichever of the two reaches the pools
/// first, the task must not run twice at once.
/// </summary>
public class LateLocalDispatchTests
{
    [Theory]
    [InlineData(false)] // the recovery's dispatch is in the pools first
    [InlineData(true)] // the late one gets there between the upkeep's look at the pools and the recovery's arrival
    public async Task Dispatch_LocalBatchTimesOutAndArrivesLate_RunsOnceAtATime(bool lateFirst)
    {
        var id = $"late-local-{lateFirst}";
        var scenario = SlowFirstClassify.Scenarios[id] = new SlowFirstClassify.Scenario(lateFirst);
        await using var surge = await SurgeCluster.StartAsync(null, b => b.AddSiloBuilderConfigurator<SlowFirstClassify>());

        await surge.Client.SubmitAsync(TaskSpec.Create(IntervalHandler.TypeName, id: id));
        await scenario.BothDelivered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var pools = await surge.Client.GetPoolsAsync();
        var status = await surge.Client.GetStatusAsync(id);
        IntervalHandler.Release(id);

        Assert.Equal(2, status!.Attempts); // the timed-out dispatch, then the recovery's
        Assert.Equal(1, pools.Sum(p => p.Started + p.Queued));
        Assert.Equal(TaskState.Succeeded, (await surge.Client.WaitAsync(id, TimeSpan.FromSeconds(30))).State);
    }

    /// <summary>
    /// Short call timeouts and upkeep. The first classifier call carrying a scenario's task is held until the
    /// recovery's dispatch of it arrives (past the caller's timeout), then goes on after it or before it: a slow
    /// classifier.
    /// </summary>
    private sealed class SlowFirstClassify : ISiloConfigurator
    {
        public static readonly ConcurrentDictionary<string, Scenario> Scenarios = new();

        public sealed class Scenario(bool lateFirst)
        {
            public readonly bool LateFirst = lateFirst;
            public int Calls;
            public readonly TaskCompletionSource SecondArrived = New(), FirstDelivered = New(), SecondDelivered = New(), BothDelivered = New();
        }

        private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Configure(ISiloBuilder silo)
        {
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(2));
            silo.Services.AddSingleton(new RecoveryOptions { RedispatchOnActivation = true, UpkeepPeriod = TimeSpan.FromSeconds(1) });
            silo.AddIncomingGrainCallFilter(async context =>
            {
                var scenario = context.InterfaceMethod?.DeclaringType == typeof(IClassifierGrain) && context.Request.GetArgument(0) is DispatchBatch batch
                    ? batch.Items.Select(i => Scenarios.GetValueOrDefault(i.Spec.Id)).FirstOrDefault(s => s is not null) : null;
                if (scenario is null)
                {
                    await context.Invoke();
                    return;
                }
                var limit = TimeSpan.FromSeconds(20);
                if (Interlocked.Increment(ref scenario.Calls) == 1)
                {
                    await scenario.SecondArrived.Task.WaitAsync(limit);
                    if (!scenario.LateFirst) await scenario.SecondDelivered.Task.WaitAsync(limit);
                    await context.Invoke();
                    scenario.FirstDelivered.TrySetResult();
                    if (!scenario.LateFirst) scenario.BothDelivered.TrySetResult();
                    return;
                }
                scenario.SecondArrived.TrySetResult();
                if (scenario.LateFirst) await scenario.FirstDelivered.Task.WaitAsync(limit);
                await context.Invoke();
                scenario.SecondDelivered.TrySetResult();
                if (scenario.LateFirst) scenario.BothDelivered.TrySetResult();
            });
        }
    }
}
