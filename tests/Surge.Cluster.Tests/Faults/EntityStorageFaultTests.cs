using Surge.Client;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// Issue 13, found by reading: when an entity's state write fails, the entity deactivates, and on re-activation it ran
/// its current event again without checking whether that event was still running: two events of one entity at once.
/// The write fails with a timeout, as Redis' own does: raw, that passed for a failover, and the client rode it out for
/// its whole failover timeout (60 s) before it heard anything.
/// </summary>
public class EntityStorageFaultTests : IAsyncLifetime
{
    private SurgeCluster _surge = null!;

    private ISurgeClient Client => _surge.Client;

    public async Task InitializeAsync()
        => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" },
            b => b.AddSiloBuilderConfigurator<FaultyGrainStorage.ForEntities>());

    public async Task DisposeAsync()
    {
        FaultyGrainStorage.FailWrites = false;
        FaultyGrainStorage.FailWith = null;
        await _surge.DisposeAsync();
    }

    [Fact]
    public async Task EntityStateWriteFails_WhileItsEventRuns_EventNeverRunsTwiceAndTheNextWaits()
    {
        var entity = $"build/{Guid.NewGuid():N}";
        var started = TaskSpec.Create(IntervalHandler.TypeName).ForEntity(entity, "build.started");
        var finished = TaskSpec.Create(IntervalHandler.TypeName).ForEntity(entity, "build.finished", after: "build.started");
        await Client.SubmitAsync(started);
        await Eventually.TrueAsync(() => IntervalHandler.IsRunning(started.Id), $"{started.Id} running");

        FaultyGrainStorage.FailWrites = true;
        FaultyGrainStorage.FailWith = () => new TimeoutException("storage timed out (test)"); // as Redis' own timeout: not a failover
        var refused = await Record.ExceptionAsync(() => Client.SubmitAsync(finished)); // the entity cannot store it: refused, and it deactivates
        FaultyGrainStorage.FailWrites = false;
        FaultyGrainStorage.FailWith = null;
        Assert.True(refused is SurgeUnavailableException { InnerException: SurgeStoreUnavailableException }, $"expected a retryable refusal, got {refused}");
        Assert.Null(await Client.GetStatusAsync(finished.Id));

        await Client.SubmitAsync(finished); // the retry re-activates the entity from storage, where "started" still runs
        Assert.Equal(TaskState.Held, (await Client.GetStatusAsync(finished.Id))!.State);
        Assert.Equal(1, IntervalHandler.RunsOf(started.Id));

        IntervalHandler.Release(started.Id);
        await Eventually.TrueAsync(() => IntervalHandler.IsRunning(finished.Id), $"{finished.Id} running");
        IntervalHandler.Release(finished.Id);
        Assert.Equal(TaskState.Succeeded, (await Client.WaitAsync(finished.Id, TimeSpan.FromSeconds(30))).State);
        var runs = IntervalHandler.Runs.Where(r => r.Entity == entity).OrderBy(r => r.Start).ToList();
        Assert.Equal([started.Id, finished.Id], runs.Select(r => r.TaskId));
        Assert.True(runs[1].Start >= runs[0].End, "the entity's events overlapped");
    }

}

/// <summary>Issue 13: a result larger than an Orleans message left its task Running for ever; now it fails with the bound named.</summary>
public class ResultBoundTests(PolicyFixture fixture) : IClassFixture<PolicyFixture>
{
    [Fact]
    public async Task Run_ResultOverMaxResultBytes_FailsNamingTheLimitAndPoolGoesOn()
    {
        var big = await fixture.Surge.Client.RunAsync(TaskSpec.Create(BigResultHandler.TypeName, """{"bytes":2000000}"""), TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Failed, big.State);
        Assert.Contains("Surge:Tasks:MaxResultBytes", big.Error);
        var small = await fixture.Surge.Client.RunAsync(TaskSpec.Create(BigResultHandler.TypeName, """{"bytes":1000}"""), TimeSpan.FromSeconds(30));
        Assert.Equal((TaskState.Succeeded, 1000), (small.State, small.Result.Length));
    }
}
