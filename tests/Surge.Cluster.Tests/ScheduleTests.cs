using Surge.Client;

namespace Surge.Cluster.Tests;

/// <summary>Two silos that both carry a schedule in their configuration, firing every second.</summary>
public sealed class ScheduleFixture : IAsyncLifetime
{
    public const string Heartbeat = "heartbeat";

    public SurgeCluster Surge { get; private set; } = null!;

    public async Task InitializeAsync() => Surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        [$"Surge:Schedules:{Heartbeat}:Cron"] = "* * * * * *",
        [$"Surge:Schedules:{Heartbeat}:Type"] = CountingHandler.TypeName,
    });

    public async Task DisposeAsync() => await Surge.DisposeAsync();
}

public class ScheduleTests(ScheduleFixture fixture) : IClassFixture<ScheduleFixture>
{
    private readonly ISurgeClient _client = fixture.Surge.Client;

    [Fact]
    public async Task Schedule_RegisteredByBothSilos_FiresOncePerInstant()
    {
        // Both silos registered it at start; registering it again here (as a third party would) changes nothing.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _client.ScheduleAsync(ScheduleSpec.Create(ScheduleFixture.Heartbeat, "* * * * * *", CountingHandler.TypeName))));
        var prefix = $"schedule:{ScheduleFixture.Heartbeat}:";
        var fired = await Eventually.ValueAsync(() => Task.FromResult(CountingHandler.Runs.Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList()),
            runs => runs.Count >= 4, "the every-second schedule to fire 4 times", TimeSpan.FromSeconds(20));
        Assert.All(fired, f => Assert.Equal(1, f.Value)); // one run per instant
        var status = Assert.Single(await _client.GetSchedulesAsync(), s => s.Spec.Name == ScheduleFixture.Heartbeat);
        Assert.True(status.NextFire > status.LastFired);
    }

    [Fact]
    public async Task Schedule_ByClient_ListedThenRemoved()
    {
        var name = $"report-{Guid.NewGuid():N}";
        var status = await _client.ScheduleAsync(ScheduleSpec.Create(name, "0 2 * * *", CountingHandler.TypeName, """{"report":"daily"}"""));
        Assert.Equal(TimeSpan.FromHours(2), status.NextFire!.Value.TimeOfDay);
        Assert.Contains(await _client.GetSchedulesAsync(), s => s.Spec.Name == name);

        Assert.True(await _client.UnscheduleAsync(name));
        Assert.DoesNotContain(await _client.GetSchedulesAsync(), s => s.Spec.Name == name);
        Assert.False(await _client.UnscheduleAsync(name));
    }

    [Fact]
    public async Task Trigger_PausedDailySchedule_RunsOnceNowAndStaysPaused()
    {
        var name = $"manual-{Guid.NewGuid():N}";
        await _client.ScheduleAsync(ScheduleSpec.Create(name, "0 2 * * *", CountingHandler.TypeName));
        var schedule = fixture.Surge.Cluster.Client.GetGrain<IScheduleGrain>(name);

        var paused = await schedule.SetPausedAsync(true);
        Assert.True(paused!.Paused);
        Assert.Null(paused.NextFire);
        var id = await schedule.TriggerAsync();
        Assert.StartsWith($"schedule:{name}:manual:", id);
        var status = await _client.WaitAsync(id!, TimeSpan.FromSeconds(20));
        Assert.Equal(TaskState.Succeeded, status.State);
        Assert.Equal(1, CountingHandler.Runs[id!]);

        var resumed = await schedule.SetPausedAsync(false);
        Assert.Equal((false, TimeSpan.FromHours(2)), (resumed!.Paused, resumed.NextFire!.Value.TimeOfDay));
        Assert.Null(await fixture.Surge.Cluster.Client.GetGrain<IScheduleGrain>($"none-{Guid.NewGuid():N}").TriggerAsync());
    }

    // Refused at its shard after it was set (its handler's check changed): the refused instant was asked again every
    // 5 s and the last fired never moved; now each refused instant is passed over, and the next ones go as usual.
    [Fact]
    public async Task Schedule_InstantsRefusedAfterItWasSet_PassedOverAndLaterOnesRun()
    {
        var name = $"picky-{Guid.NewGuid():N}";
        var prefix = $"schedule:{name}:";
        PickyHandler.Refuse = false;
        await _client.ScheduleAsync(ScheduleSpec.Create(name, "* * * * * *", PickyHandler.TypeName));
        try
        {
            PickyHandler.Refuse = true;
            var refusedFrom = DateTimeOffset.UtcNow;
            await Eventually.TrueAsync(async () => (await _client.GetSchedulesAsync()).Single(s => s.Spec.Name == name).LastFired > refusedFrom + TimeSpan.FromSeconds(3),
                "the refused instants to be passed over", TimeSpan.FromSeconds(30));
            int Ran() => PickyHandler.Runs.Keys.Count(k => k.StartsWith(prefix, StringComparison.Ordinal));
            var ranBefore = Ran();
            PickyHandler.Refuse = false;
            await Eventually.TrueAsync(() => Ran() > ranBefore, "an instant after the refusals to run", TimeSpan.FromSeconds(30));
        }
        finally
        {
            PickyHandler.Refuse = false;
            await _client.UnscheduleAsync(name);
        }
    }

    // Checked only as far as its type before: stored, then refused at every instant and asked again every 5 s.
    [Fact]
    public async Task Schedule_PayloadItsHandlerRefuses_RefusedAtOnceNamingTheField()
    {
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => _client.ScheduleAsync(
            ScheduleSpec.Create($"bad-{Guid.NewGuid():N}", "7 4 * * *", "simulate", """{"duration_ms":1e12}""")));
        Assert.Equal("payload.duration_ms", e.Field);
    }

    [Fact]
    public async Task Schedule_WaveOfAFlowNeverRegistered_RefusedAtOnceNamingTheFlow()
    {
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => _client.ScheduleAsync(
            ScheduleSpec.ForWave($"bad-{Guid.NewGuid():N}", "7 4 * * *", "no-such-flow", "some-state")));
        Assert.Equal("wave.flow", e.Field);
    }

    [Theory]
    [InlineData("61 * * * *", "count", "cron")]
    [InlineData("* * *", "count", "cron")]
    [InlineData("0 0 30 2 *", "count", "cron")] // never fires: refused by the grain, which the client's checks do not cover
    [InlineData("*/5 * * * *", "no-such-type", "type")]
    public async Task Schedule_BadInput_RefusedNamingTheField(string cron, string type, string field)
    {
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() => _client.ScheduleAsync(ScheduleSpec.Create($"bad-{Guid.NewGuid():N}", cron, type)));
        Assert.Equal(field, e.Field);
        Assert.DoesNotContain(await _client.GetSchedulesAsync(), s => s.Spec.Name.StartsWith("bad-", StringComparison.Ordinal));
    }
}
