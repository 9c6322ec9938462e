using Surge.Client;
using Surge.Tasks;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// A caller's request whose write the store ran but whose answer was lost (Redis stalled past its command timeout, then
/// ran the write when it woke): the caller heard "nothing changed, retry", so the shard's next activation must not load
/// the change either. The submission of a task that runs is <see cref="ShardClaimTests"/>'; these are the others.
/// </summary>
public class AnswerLostTests : FaultyStoreTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public AnswerLostTests() => Settings[$"Surge:Policies:Types:{SquareHandler.TypeName}:Deterministic"] = "true";

    // Before, the next activation loaded the Cancelled record: the task was cancelled though its caller heard it was not.
    [Fact]
    public async Task CancelAsync_CancelStoredButItsAnswerLost_StillRunningWhenTheShardLoadsAgain()
    {
        var spec = TaskSpec.Create(PatientHandler.TypeName);
        await Client.SubmitAsync(spec);
        await Eventually.TrueAsync(async () => (await Client.GetStatusAsync(spec.Id))?.State == TaskState.Running, $"{spec.Id} running, as stored", Limit);
        var shard = TaskShards.For(spec.Id);
        Store.LoseNextSaveAnswer(shard);
        await Assert.ThrowsAsync<SurgeStoreUnavailableException>(() => Grains.Shard(spec.Id).CancelAsync(spec.Id)); // no retry

        await Store.ClaimAsOtherAsync(shard); // the activation steps down at its next write; the next one loads the store
        Assert.Equal(TaskState.Succeeded, (await Client.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":10}""", id: SameShard(shard, spec.Id)))).State);
        Assert.Equal(TaskState.Running, (await Client.GetStatusAsync(spec.Id))?.State);

        Assert.Equal(TaskState.Cancelled, (await Client.CancelAsync(spec.Id))?.State); // a cancel that is stored stops it
        await Eventually.TrueAsync(() => PatientHandler.Cancelled.ContainsKey(spec.Id), $"{spec.Id}'s token cancelled", Limit);
    }

    // A submission answered from the result cache of its deterministic type. Before, the next activation loaded it
    // Succeeded from the cache, though its caller heard that nothing was accepted (and status said unknown until then).
    [Fact]
    public async Task SubmitAsync_CachedResultStoredButItsAnswerLost_NotThereWhenTheShardLoadsAgain()
    {
        var n = Random.Shared.NextInt64(1, 1_000_000);
        Assert.Equal(TaskState.Succeeded, (await Client.RunAsync(CacheTests.Square(n))).State); // its result is cached
        var spec = CacheTests.Square(n);
        Assert.Null(await Client.GetStatusAsync(spec.Id)); // activates its shard, which claims it
        var shard = TaskShards.For(spec.Id);
        Store.LoseNextSaveAnswer(shard);
        await Assert.ThrowsAsync<SurgeStoreUnavailableException>(() => Grains.Shard(spec.Id).SubmitAsync(spec)); // no retry

        await Store.ClaimAsOtherAsync(shard);
        Assert.Equal(TaskState.Succeeded, (await Client.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":10}""", id: SameShard(shard, spec.Id)))).State);
        Assert.Null(await Client.GetStatusAsync(spec.Id));
        Assert.True((await Client.RunAsync(spec)).FromCache); // its retry is answered from the cache, as the refused try was
    }

    // A purge of a dead letter. Before, the next activation no longer had it: gone, though its caller heard that nothing
    // was removed.
    [Fact]
    public async Task PurgeDeadLettersAsync_PurgeStoredButItsAnswerLost_StillADeadLetterWhenTheShardLoadsAgain()
    {
        var spec = PolicyTests.Flaky(1, "fatal");
        Assert.True((await Client.RunAsync(spec, Limit)) is { State: TaskState.Failed, DeadLettered: true });
        var shard = TaskShards.For(spec.Id);
        Store.LoseNextRemoveAnswer(shard);
        await Assert.ThrowsAsync<SurgeStoreUnavailableException>(() => Grains.Shard(spec.Id).PurgeDeadLettersAsync(spec.Id)); // no retry

        await Store.ClaimAsOtherAsync(shard);
        Assert.Equal(TaskState.Succeeded, (await Client.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":10}""", id: SameShard(shard, spec.Id)))).State);
        Assert.True((await Client.GetStatusAsync(spec.Id)) is { DeadLettered: true }, "the dead letter its caller was told was not purged is gone");
        Assert.Equal(1, await Client.PurgeDeadLettersAsync(spec.Id)); // a purge that is stored removes it
        Assert.Null(await Client.GetStatusAsync(spec.Id));
    }
}
