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
