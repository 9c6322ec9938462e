using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Entities;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// An entity asks the shard of its running event where that run stands before anything waits behind it, under the
/// entity's gate. A shard that does not answer (its silo cut off) held every submission of the entity for Orleans' 30 s
/// response timeout; the entity now waits at most 5 s (<c>EntityShardGrain.RunAskLimit</c>) and asks again later.
/// </summary>
public class EntityRunAskTests
{
    [Fact]
    public async Task Admit_RunningEventsShardDoesNotAnswer_NextSubmissionOfTheEntityWaitsAtMostTheAskLimit()
    {
        var entity = $"build/{Guid.NewGuid():N}";
        var running = TaskSpec.Create(IntervalHandler.TypeName).ForEntity(entity, "build.started");
        var silent = SilentRunAsk.Scenarios[running.Id] = new SilentRunAsk.Scenario();
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" },
            b => b.AddSiloBuilderConfigurator<SilentRunAsk>());
        try
        {
            await surge.Client.SubmitAsync(running);
            await Eventually.TrueAsync(() => Task.FromResult(IntervalHandler.IsRunning(running.Id)), "build.started running");
            // Held behind it; the held event's shard hands it over again every upkeep (1 s here), and a hand-over again
            // asks where the running event stands: the question the filter below never lets through.
            var held = Simulated.Task($"{Guid.NewGuid():N}-f", 0).ForEntity(entity, "build.finished", after: "build.started");
            Assert.Equal(TaskState.Held, (await surge.Client.SubmitAsync(held)).State);
            await silent.Asked.Task.WaitAsync(TimeSpan.FromSeconds(30));

            var next = Simulated.Task($"{Guid.NewGuid():N}-n", 0).ForEntity(entity, "build.note");
            var clock = Stopwatch.StartNew();
            var status = await surge.Client.SubmitAsync(next);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15),
                $"a submission of the entity waited {clock.Elapsed.TotalSeconds:F1} s behind an unanswered question; the limit is 5 s (Orleans alone: 30 s)");
            Assert.Equal(TaskState.Held, status.State); // build.started still runs
        }
        finally
        {
            silent.Release.TrySetResult();
            IntervalHandler.Release(running.Id);
        }
    }

    /// <summary>Upkeep every second, and a task shard that holds every question about a scenario's task until released.</summary>
    private sealed class SilentRunAsk : ISiloConfigurator
    {
        public static readonly ConcurrentDictionary<string, Scenario> Scenarios = new();

        public sealed class Scenario
        {
            public readonly TaskCompletionSource Asked = new(TaskCreationOptions.RunContinuationsAsynchronously);
            public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddSingleton(new RecoveryOptions { UpkeepPeriod = TimeSpan.FromSeconds(1) });
            silo.AddIncomingGrainCallFilter(async context =>
            {
                if (context.InterfaceMethod?.Name == nameof(IEventShard.GetRunAsync) && context.Request.GetArgument(0) is string id
                    && Scenarios.TryGetValue(id, out var scenario))
                {
                    scenario.Asked.TrySetResult();
                    await scenario.Release.Task.WaitAsync(TimeSpan.FromSeconds(60));
                }
                await context.Invoke();
            });
        }
    }
}
