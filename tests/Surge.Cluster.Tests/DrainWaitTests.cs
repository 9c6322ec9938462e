using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Client;
using Surge.Pools;

namespace Surge.Cluster.Tests;

/// <summary>
/// A client waiting on a task whose shard's silo has drained (its drain signal fired) and whose shard has not moved
/// yet: the shard answers waits early, so the silo is not held by them, and the client asks again.
/// </summary>
public class DrainWaitTests
{
    [Fact]
    public async Task WaitAsync_ShardsSiloDrainedWhileTheTaskRuns_AsksAFewTimesAndEndsWithTheTask()
    {
        await using var surge = await SurgeCluster.StartAsync(null, b => b.AddSiloBuilderConfigurator<CountShardWaits>());
        // The scenario: the task runs 2 s after the drain signal fired, on whichever silo its shard is; the shard stays.
        var spec = TaskSpec.Create("simulate", """{"duration_ms":2500}""", id: "drained-wait");
        await surge.Client.SubmitAsync(spec);
        await Eventually.ValueAsync(() => surge.Client.GetStatusAsync(spec.Id), s => s is { State: TaskState.Running }, "the task runs");
        var waiting = surge.Client.WaitAsync(spec.Id, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => CountShardWaits.Of(spec.Id) > 0, "the client waits at the shard");

        // Both silos: wherever the shard is, its silo has drained (the grains have not been deactivated yet).
        foreach (var silo in surge.Cluster.Silos)
            ((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<DrainSignal>().Fire();
        var before = CountShardWaits.Of(spec.Id);
        var done = await waiting;
        var calls = CountShardWaits.Of(spec.Id) - before;

        Assert.Equal(TaskState.Succeeded, done.State);
        // Up to about 2.5 s of drained shard: a few paced asks, not a loop of thousands. How late a paced wait can end
        // (WaitPacing.MaxPause) is the pure core's, tested in WaitPacingTests, not timed here on a loaded machine.
        Assert.InRange(calls, 1, 40);
    }

    /// <summary>Counts the wait calls each task's shard receives.</summary>
    private sealed class CountShardWaits : ISiloConfigurator
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Calls = new();

        public static int Of(string taskId) => Calls.GetValueOrDefault(taskId);

        public void Configure(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter(context =>
        {
            if (context.InterfaceMethod?.DeclaringType == typeof(ITaskShardGrain) && context.InterfaceMethod.Name == nameof(ITaskShardGrain.WaitAsync)
                && context.Request.GetArgument(0) is string taskId)
                Calls.AddOrUpdate(taskId, 1, (_, n) => n + 1);
            return context.Invoke();
        });
    }
}
