using Surge.Client;
using Surge.Tasks;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// A dead-lettered entity event whose retry could not be stored, nor taken back (the store refused both), then purged
/// once the store is back: the shard's upkeep takes back the retry's write by storing the dead letter again, and must
/// not do so for a record the purge has removed since.
/// </summary>
public class DeadLetterPurgeFaultTests : FaultyStoreTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PurgeDeadLetters_ItsRetryNotTakenBackYet_StaysPurged()
    {
        // Two dead letters of one shard: the first is purged, the second's take-back marks the upkeep that follows.
        var purged = Dead($"build/{Guid.NewGuid():N}");
        var marker = Dead($"build/{Guid.NewGuid():N}", TaskShards.For(purged.Id));
        foreach (var spec in new[] { purged, marker })
            Assert.True((await Client.RunAsync(spec, Limit)) is { State: TaskState.Failed, DeadLettered: true });

        Store.Fail();
        foreach (var spec in new[] { purged, marker }) // no client retries: each retry and its take-back refused once
            await Assert.ThrowsAsync<SurgeStoreUnavailableException>(() => Grains.Shard(spec.Id).RetryDeadLetterAsync(spec.Id));
        Store.Heal();
        Assert.Equal(1, await Grains.Shard(purged.Id).PurgeDeadLettersAsync(purged.Id));
        var saves = Store.Calls.GetValueOrDefault("save");

        // The upkeep takes back the marker's retry (its dead letter stored again); the purged one comes before it.
        await Eventually.TrueAsync(() => Store.Calls.GetValueOrDefault("save") > saves, "the shard's upkeep to take back the marker's retry", Limit);
        var stored = await Store.LoadAsync(TaskShards.For(purged.Id));

        var back = stored.FirstOrDefault(r => r.Id == purged.Id);
        Assert.True(back is null, $"the purged dead letter is stored again ({FaultSteps.Show(back?.ToStatus())}): it comes back when its shard next loads");
        Assert.Contains(stored, r => r.Id == marker.Id);
    }

    private static TaskSpec Dead(string entity, int? shard = null)
    {
        var spec = PolicyTests.Flaky(1, "fatal").ForEntity(entity, "build.started");
        while (shard is { } wanted && TaskShards.For(spec.Id) != wanted) spec = spec with { Id = Guid.NewGuid().ToString("N") };
        return spec;
    }
}
