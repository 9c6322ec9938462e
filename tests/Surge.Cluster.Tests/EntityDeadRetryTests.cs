using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Client;
using Surge.Entities;

namespace Surge.Cluster.Tests;

/// <summary>
/// A dead-lettered entity event run again (<c>surge dead retry</c>) once its entity has handled more than
/// <c>Surge:Entities:MaxHandled</c> events since: the entity no longer remembers the name its <c>after</c> waited for,
/// though that event was handled before this one first ran.
/// </summary>
public class EntityDeadRetryTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private SurgeCluster _surge = null!;

    public async Task InitializeAsync() => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        ["Surge:Entities:MaxHandled"] = "2",
        ["Surge:Entities:HoldLimit"] = "00:02:00", // far past the test's wait: a held retry shows as held
        ["Surge:Autoscale:Enabled"] = "false",
    });

    public async Task DisposeAsync() => await _surge.DisposeAsync();

    [Fact]
    public async Task RetryDeadLetter_ItsAfterForgottenSinceItRan_RunsAgain()
    {
        var client = _surge.Client;
        var entity = $"build/{Guid.NewGuid():N}";
        var started = TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "started");
        var finished = PolicyTests.Flaky(1, "fatal").ForEntity(entity, "finished", after: "started"); // fails once, for good
        Assert.Equal(TaskState.Succeeded, (await client.RunAsync(started, Limit)).State);
        var dead = await client.RunAsync(finished, Limit);
        Assert.True(dead is { State: TaskState.Failed, DeadLettered: true }, $"'finished' should be dead-lettered: {FaultsShow(dead)}");
        // Two more events of the entity: with MaxHandled=2 it forgets the name "started".
        foreach (var name in new[] { "deploy", "notify" })
            Assert.Equal(TaskState.Succeeded, (await client.RunAsync(TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, name), Limit)).State);

        await client.RetryDeadLetterAsync(finished.Id);

        var retried = await Faults.FaultSteps.FinalOrLastAsync(client, finished.Id, Limit);
        Assert.True(retried is { IsFinal: true, Attempts: 2 },
            $"the retried dead letter must run again: 'started', which its after names, was handled before it first ran; {Limit} after the retry it is {FaultsShow(retried)}");
    }

    // Rolling upgrade: a silo from before EntityEvent.ReleasedBefore readmitted the dead letter without it (done here
    // by hand, as that silo's shard did), and its entity holds it for the forgotten "started". The shard, now on this
    // version, hands it over again saying it ran before.
    [Fact]
    public async Task RetryDeadLetter_HeldByAnOlderSiloWithoutReleasedBefore_RunsWhenHandedOverAgain()
    {
        var client = _surge.Client;
        var entity = $"build/{Guid.NewGuid():N}";
        var started = TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "started");
        var finished = PolicyTests.Flaky(1, "fatal").ForEntity(entity, "finished", after: "started");
        Assert.Equal(TaskState.Succeeded, (await client.RunAsync(started, Limit)).State);
        Assert.True((await client.RunAsync(finished, Limit)).DeadLettered);
        foreach (var name in new[] { "deploy", "notify" })
            Assert.Equal(TaskState.Succeeded, (await client.RunAsync(TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, name), Limit)).State);
        var silo = ((InProcessSiloHandle)_surge.Cluster.Primary!).SiloHost.Services.GetRequiredService<IGrainFactory>(); // silos only
        Assert.Equal(Admission.Held, await silo.Entity(entity).ReadmitAsync(EntityEvent.Of(finished)));

        await client.RetryDeadLetterAsync(finished.Id);

        var retried = await Faults.FaultSteps.FinalOrLastAsync(client, finished.Id, Limit);
        Assert.True(retried is { IsFinal: true, Attempts: 2 },
            $"the retried dead letter must run once handed over saying it ran before; {Limit} after the retry it is {FaultsShow(retried)}");
    }

    private static string FaultsShow(TaskStatus? s) => Faults.FaultSteps.Show(s);
}
