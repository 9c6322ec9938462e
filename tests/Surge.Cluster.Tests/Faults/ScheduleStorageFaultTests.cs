using Surge.Client;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// Schedules while the store refuses their writes: the client hears a refusal it may retry, nothing it was refused is
/// shown, and the retry stores the change (read back by a fresh activation, from storage).
/// </summary>
public class ScheduleStorageFaultTests : IAsyncLifetime
{
    private SurgeCluster _surge = null!;

    public async Task InitializeAsync()
        => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" },
            b => b.AddSiloBuilderConfigurator<FaultyGrainStorage.ForSurge>());

    public async Task DisposeAsync()
    {
        FaultyGrainStorage.FailWrites = false;
        FaultyGrainStorage.CheckVersions = false;
        FaultyGrainStorage.LoseReplies = 0;
        await _surge.DisposeAsync();
    }

    [Fact]
    public async Task Schedule_StoreRefusesEachChange_RefusedRetryably_NothingShown_RetryStoresIt()
    {
        var client = _surge.Client;
        var spec = new ScheduleSpec("refused-nightly", "0 3 * * *", CountingHandler.TypeName, "{}"u8.ToArray());

        FaultyGrainStorage.FailWrites = true;
        await Assert.ThrowsAsync<SurgeUnavailableException>(() => client.ScheduleAsync(spec));
        Assert.Null(await FromMemoryAsync(spec.Name)); // not stored, so not shown
        FaultyGrainStorage.FailWrites = false;
        await client.ScheduleAsync(spec); // the retry
        Assert.Equal(spec.Cron, (await FromStorageAsync(spec.Name))?.Spec.Cron);
        Assert.Contains(spec.Name, (await client.GetSchedulesAsync()).Select(s => s.Spec.Name));

        FaultyGrainStorage.FailWrites = true;
        await Assert.ThrowsAsync<SurgeStoreUnavailableException>(() => Schedule(spec.Name).SetPausedAsync(true));
        Assert.False((await FromMemoryAsync(spec.Name))!.Paused);
        FaultyGrainStorage.FailWrites = false;
        await Schedule(spec.Name).SetPausedAsync(true);
        Assert.True((await FromStorageAsync(spec.Name))!.Paused);

        FaultyGrainStorage.FailWrites = true;
        await Assert.ThrowsAsync<SurgeUnavailableException>(() => client.UnscheduleAsync(spec.Name));
        Assert.NotNull(await FromMemoryAsync(spec.Name)); // still whole
        FaultyGrainStorage.FailWrites = false;
        Assert.True(await client.UnscheduleAsync(spec.Name));
        Assert.Null(await FromStorageAsync(spec.Name));
        Assert.DoesNotContain(spec.Name, (await client.GetSchedulesAsync()).Select(s => s.Spec.Name));
    }

    // A write stored whose answer was lost leaves the activation's version stale: every later write of it is a version
    // conflict. The schedule must not go on firing into conflicts for good; a fresh activation reads what is stored.
    [Fact]
    public async Task Schedule_AnInstantStoredButItsAnswerLost_KeepsStoringLaterInstants()
    {
        FaultyGrainStorage.CheckVersions = true;
        var spec = new ScheduleSpec("lost-answer", "* * * * * *", CountingHandler.TypeName, "{}"u8.ToArray());
        await _surge.Client.ScheduleAsync(spec);
        await Eventually.TrueAsync(async () => (await FromMemoryAsync(spec.Name))?.LastFired is not null, "a first instant stored");

        Interlocked.Exchange(ref FaultyGrainStorage.LoseReplies, 1);
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref FaultyGrainStorage.LoseReplies) <= 0), "an instant's answer lost");
        var lost = (await FromMemoryAsync(spec.Name))!.LastFired!.Value; // the instant before the lost one (its write was undone in memory)
        await Eventually.TrueAsync(async () => (await FromMemoryAsync(spec.Name))?.LastFired > lost.AddSeconds(3),
            "instants stored again after the lost answer", TimeSpan.FromSeconds(30));
        await _surge.Client.UnscheduleAsync(spec.Name);
    }

    // Redis stalled past its command timeout: the change was stored, its writer heard a timeout and the client was told
    // to retry. The client's retry must find the change made (or make it), not fail on the version the lost answer left
    // stale: that conflict reached the caller raw ("Version conflict", which the client does not retry).
    [Fact]
    public async Task Schedule_ChangeStoredButItsAnswerLost_TheClientsRetrySucceeds()
    {
        FaultyGrainStorage.CheckVersions = true;
        var spec = new ScheduleSpec("lost-change", "0 3 * * *", CountingHandler.TypeName, "{}"u8.ToArray());
        await _surge.Client.ScheduleAsync(spec);
        var changed = spec with { Cron = "0 4 * * *" };

        Interlocked.Exchange(ref FaultyGrainStorage.LoseReplies, 1);
        var status = await _surge.Client.ScheduleAsync(changed); // the client's quick retries ride out the lost answer

        Assert.Equal(changed.Cron, status.Spec.Cron);
        Assert.Equal(changed.Cron, (await FromStorageAsync(spec.Name))?.Spec.Cron);
        await _surge.Client.UnscheduleAsync(spec.Name);
    }

    private IScheduleGrain Schedule(string name) => _surge.Cluster.Client.GetGrain<IScheduleGrain>(name);

    private Task<ScheduleStatus?> FromMemoryAsync(string name) => Schedule(name).GetAsync();

    // Every idle activation goes, so the next call activates the schedule again from what is stored.
    private async Task<ScheduleStatus?> FromStorageAsync(string name)
    {
        await _surge.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        return await Schedule(name).GetAsync();
    }
}
