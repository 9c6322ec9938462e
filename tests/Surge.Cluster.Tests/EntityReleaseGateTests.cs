using Orleans.TestingHost;
using Surge.Entities;

namespace Surge.Cluster.Tests;

/// <summary>
/// An entity that releases a held event does not wait for the event's shard, which may be waiting for that event's
/// gate (a dead-letter retry holds it while it readmits the event to this very entity): the entity's gate is free for
/// the next call while the release is still being taken.
/// </summary>
public class EntityReleaseGateTests
{
    [Fact]
    public async Task Release_ItsShardNotTakingItYet_EntityAnswersItsNextCall()
    {
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" },
            b => b.AddSiloBuilderConfigurator<HoldRelease>());
        var entity = $"build/{Guid.NewGuid():N}";
        var first = TaskSpec.Create(IntervalHandler.TypeName).ForEntity(entity, "build.started");
        var held = Simulated.Task(HoldRelease.TaskId, 0).ForEntity(entity, "build.finished", after: "build.started");
        await surge.Client.SubmitAsync(first);
        await Eventually.TrueAsync(() => IntervalHandler.IsRunning(first.Id), "build.started running");
        Assert.Equal(TaskState.Held, (await surge.Client.SubmitAsync(held)).State);

        IntervalHandler.Release(first.Id); // its end releases 'build.finished' under the entity's gate
        await HoldRelease.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the release waits at the event's shard
        var next = surge.Client.SubmitAsync(Simulated.Task($"{Guid.NewGuid():N}", 0).ForEntity(entity, "build.notified"));
        // Well under the 30 s call timeout a gate held across the release would end at.
        var answered = await next.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t => t.IsCompletedSuccessfully);
        HoldRelease.Go.TrySetResult();

        Assert.True(answered, "the entity did not admit its next event while its release waited at the event's shard: its gate was held across the call");
        Assert.Equal(TaskState.Succeeded, (await surge.Client.WaitAsync(HoldRelease.TaskId, TimeSpan.FromSeconds(30))).State);
    }

    /// <summary>Holds the release of <see cref="TaskId"/> at its shard, before the shard takes it, until the test lets it go.</summary>
    private sealed class HoldRelease : ISiloConfigurator
    {
        public static readonly string TaskId = $"held-{Guid.NewGuid():N}";
        public static readonly TaskCompletionSource Arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public static readonly TaskCompletionSource Go = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Configure(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter(async context =>
        {
            if (context.InterfaceMethod?.Name == nameof(IEventShard.OnReleasedAsync) && context.Request.GetArgument(0) is string id && id == TaskId)
            {
                Arrived.TrySetResult();
                await Go.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            await context.Invoke();
        });
    }
}
