using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Entities;

namespace Surge.Cluster.Tests;

/// <summary>What expires as time passes, on the fake clock: held events and old task records.</summary>
[Collection("fake clock")]
public class ExpiryTests(FakeClockFixture fixture)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private readonly Surge.Client.ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Submit_AfterEventThatNeverComes_FailsAtHoldLimitNamingMissingEvent()
    {
        var entity = $"build/orphan-{Guid.NewGuid():N}";
        var held = await _client.SubmitAsync(Simulated.Task(Guid.NewGuid().ToString("N"), 1).ForEntity(entity, "build.finished", after: "build.started"));
        Assert.Equal(TaskState.Held, held.State);

        fixture.Clock.Advance(FakeClockFixture.HoldLimit - Tick);
        Assert.Equal(TaskState.Held, (await _client.GetStatusAsync(held.Id))!.State); // not before its hold limit
        fixture.Clock.Advance(Tick);

        var final = await _client.WaitAsync(held.Id, TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Failed, final.State);
        Assert.Contains("'build.started'", final.Error);
        Assert.Contains(entity, final.Error);
        Assert.Null(final.StartedAt); // it never ran
        Assert.True(final.FinishedAt - final.SubmittedAt >= FakeClockFixture.HoldLimit, $"failed {final.FinishedAt - final.SubmittedAt} after its submission");
        Assert.True(final.DeadLettered);
        Assert.Contains(await _client.GetDeadLettersAsync(1_000), d => d.Id == held.Id);
    }

    // The shard lists an event as held until the expiry reaches its record, and its upkeep may hand it over in between:
    // the entity, which let it go at the expiry, takes it again. Sent by hand here, after the record failed. Once its
    // "after" is handled the entity releases it, and its shard must not answer "ended": it never ran, and is not handled.
    [Fact]
    public async Task Expire_AHandOverCrossedTheExpiry_ItsSuccessorStillWaits()
    {
        var entity = $"build/crossed-{Guid.NewGuid():N}";
        var finished = TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "build.finished", after: "build.started");
        Assert.Equal(TaskState.Held, (await _client.SubmitAsync(finished)).State);
        fixture.Clock.Advance(FakeClockFixture.HoldLimit);
        Assert.Equal(TaskState.Failed, (await _client.WaitAsync(finished.Id, TimeSpan.FromSeconds(30))).State);
        var silo = ((InProcessSiloHandle)fixture.Surge.Cluster.Primary!).SiloHost.Services.GetRequiredService<IGrainFactory>(); // silos only
        Assert.Equal(Admission.Held, await silo.Entity(entity).AdmitAsync(EntityEvent.Of(finished))); // the crossed hand-over

        Assert.Equal(TaskState.Succeeded, (await _client.RunAsync(TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "build.started"))).State);
        await Eventually.TrueAsync(async () => await silo.EntityShard(EntityShards.For(entity)).GetBookAsync(entity) is { Running: null, WaitingCount: 0 },
            $"the entity of {finished.Id} lets it go once released");

        var report = await _client.SubmitAsync(TaskSpec.Create(CountingHandler.TypeName).ForEntity(entity, "build.reported", after: "build.finished"));
        Assert.True(report.State == TaskState.Held, $"'build.finished' never ran, and its successor is {report.State}");
        Assert.Equal(TaskState.Failed, (await _client.GetStatusAsync(finished.Id))!.State);
    }

    [Fact]
    public async Task Record_PastRetention_IsForgottenAndItsIdCanRunAgain()
    {
        var id = Guid.NewGuid().ToString("N");
        await _client.RunAsync(TaskSpec.Create(CountingHandler.TypeName, id: id));

        // The shard sweeps every second of the clock (a tenth of the retention, at least 1 s).
        fixture.Clock.Advance(FakeClockFixture.Retention - TimeSpan.FromMilliseconds(100));
        Assert.NotNull(await _client.GetStatusAsync(id)); // kept for its retention
        await Eventually.TrueAsync(async () =>
        {
            if (await _client.GetStatusAsync(id) is null) return true;
            fixture.Clock.Advance(TimeSpan.FromMilliseconds(100)); // the next sweep, once past the retention
            return false;
        }, $"{id} forgotten past its retention of {FakeClockFixture.Retention}");

        Assert.Equal(TaskState.Succeeded, (await _client.RunAsync(TaskSpec.Create(CountingHandler.TypeName, id: id))).State);
        Assert.Equal(2, CountingHandler.Runs[id]);
    }
}
