using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Surge.Routing;
using Xunit.Abstractions;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// Silo groups: a shard's batch to another silo's pools is held up on its way (a stalled silo-to-silo link) past the
/// shard's response timeout. The shard's upkeep asks that silo whether it holds the task, and the question overtakes
/// the batch: on a real link Orleans sends a silo's messages to another over either of the two connections between
/// them, and counts no time on the wire against a message (its time to live restarts when it is received). Told "not
/// held", the shard runs the task again on the other silo that hosts its pool. Then the late batch arrives: it must not
/// run the task beside that recovery. The held-up batch is played by a filter on the pool inbox that keeps its call
/// until the recovery runs, standing for the link.
/// </summary>
public class LateRemoteDispatchTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Dispatch_RemoteBatchArrivesAfterTheProbeAndItsRecovery_RunsOnceAtATime()
    {
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Routing:Mode"] = "single" }, b =>
        {
            b.Options.InitialSilosCount = 3;
            b.AddSiloBuilderConfigurator<StalledInbox>();
        });
        var silos = surge.Cluster.Silos.Select(s => s.SiloAddress).ToList();
        var shardSilo = surge.Cluster.Primary!; // hosts no pool of single mode: its shards send every task to another silo
        var id = Enumerable.Range(0, 10_000).Select(n => $"late-remote-{n}")
            .First(i => ShardPlacement.Pick(TaskShards.For(i), silos)!.Equals(shardSilo.SiloAddress));
        var scenario = StalledInbox.Scenarios[id] = new StalledInbox.Scenario();

        await surge.Client.SubmitAsync(TaskSpec.Create(IntervalHandler.TypeName, id: id));
        var stalledOn = await scenario.Held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The recovery picks at random among the silos that host the pool; on the same silo an older guard drops the
        // late batch (PoolLedger.DropLate). The case shown here is the other silo, so the stalled one is left out.
        ((InProcessSiloHandle)shardSilo).SiloHost.Services.GetRequiredService<PoolHosts>().Avoid(stalledOn);
        await Eventually.TrueAsync(() => IntervalHandler.IsRunning(id), "the recovery's run", TimeSpan.FromSeconds(30));
        var recovered = await surge.Client.GetStatusAsync(id);
        Assert.Equal(2, recovered!.Attempts); // the stalled dispatch, then the recovery's
        Assert.NotEqual(stalledOn, recovered.Silo);

        scenario.Let.TrySetResult(); // the link recovers: the stalled batch reaches the pool inbox
        await scenario.Delivered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var pools = await surge.Client.GetPoolsAsync();
        var running = IntervalHandler.RunsOf(id);
        IntervalHandler.Release(id);

        var taken = string.Join("; ", pools.Where(p => p.Started + p.Queued > 0).Select(p => $"{(p.Silo == stalledOn ? "stalled" : "other")} silo: {p.Started} started, {p.Queued} queued"));
        output.WriteLine($"after the late batch: {taken}; handler runs {running}");
        // Before: 2, the late attempt 1 started on the stalled silo beside the recovery's run on the other.
        Assert.True(pools.Sum(p => p.Started + p.Queued) == 1, $"the task was taken more than once: {taken}");
        Assert.Equal(1, running);
        Assert.Equal(TaskState.Succeeded, (await surge.Client.WaitAsync(id, TimeSpan.FromSeconds(30))).State);
        Assert.Equal(new[] { 2 }, IntervalHandler.Runs.Where(r => r.TaskId == id).Select(r => r.Attempt).ToArray());
    }

    /// <summary>
    /// Silo groups in single mode (the primary hosts none of its pools, the others host it), short call timeouts and
    /// upkeep, and a pool inbox that keeps the first batch carrying a scenario's task until the test lets it go.
    /// </summary>
    private sealed class StalledInbox : ISiloConfigurator
    {
        public static readonly ConcurrentDictionary<string, Scenario> Scenarios = new();

        public sealed class Scenario
        {
            public int Calls;
            public readonly TaskCompletionSource<string> Held = new(TaskCreationOptions.RunContinuationsAsynchronously);
            public readonly TaskCompletionSource Let = New(), Delivered = New();
        }

        private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Configure(ISiloBuilder silo)
        {
            // Read when Surge's runtime is added, after this: each silo's group and its metadata.
            silo.Configuration["Surge:Silo:Pools:0"] = silo.Configuration["Orleans:Name"] == Orleans.Runtime.Silo.PrimarySiloName ? "Short" : "Single";
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(2));
            silo.Services.AddSingleton(new RecoveryOptions { RedispatchOnActivation = true, UpkeepPeriod = TimeSpan.FromSeconds(1) });
            silo.AddIncomingGrainCallFilter(async context =>
            {
                var scenario = context.InterfaceMethod?.DeclaringType == typeof(IPoolInbox) && context.Request.GetArgument(0) is DispatchBatch batch
                    ? batch.Items.Select(i => Scenarios.GetValueOrDefault(i.Spec.Id)).FirstOrDefault(s => s is not null) : null;
                if (scenario is null || Interlocked.Increment(ref scenario.Calls) > 1)
                {
                    await context.Invoke();
                    return;
                }
                scenario.Held.TrySetResult(context.TargetId.Key.ToString()!); // the inbox's key: its silo
                await scenario.Let.Task.WaitAsync(TimeSpan.FromSeconds(60));
                await context.Invoke();
                scenario.Delivered.TrySetResult();
            });
        }
    }
}
