using Surge.Client;
using Surge.Tasks;

namespace Surge.Cluster.Tests.Faults;

/// <summary>
/// A task shard whose claim another activation took (as one on a silo that woke from a long pause would find): its
/// writes are refused, it steps down, and the caller's retry reaches an activation that sees every stored write.
/// </summary>
public class ShardClaimTests : FaultyStoreTests
{
    [Fact]
    public async Task SubmitAsync_ShardClaimedByAnotherActivation_RetriedOnAFreshOneThatSeesTheOthersWrites()
    {
        var spec = TaskSpec.Create("simulate", """{"duration_ms":10}""");
        Assert.Null(await Client.GetStatusAsync(spec.Id)); // activates its shard, which claims it
        var shard = TaskShards.For(spec.Id);
        var theirs = SameShard(shard, spec.Id);
        var claims = Store.Calls.GetValueOrDefault("claim");

        await Store.ClaimAsOtherAsync(shard, new TaskRecord { Spec = TaskSpec.Create("simulate", id: theirs), State = TaskState.Held, SubmittedAt = DateTimeOffset.UtcNow });
        var done = await Client.RunAsync(spec);

        Assert.Equal(TaskState.Succeeded, done.State);
        Assert.True(Store.Calls.GetValueOrDefault("claim") > claims, "the shard was not activated again after its claim was lost");
        Assert.Equal(TaskState.Held, (await Client.GetStatusAsync(theirs))?.State); // written under the other claim: loaded, not lost
    }

    // An entity event's submission whose write was stored, but whose answer was lost (a Redis timeout after the script
    // ran): the caller heard "not accepted", and the entity let the event go. Left stored, it would run when its shard
    // next loads, beside or after the entity's later events.
    [Fact]
    public async Task SubmitAsync_EntityEventStoredButItsAnswerLost_NotThereWhenTheShardLoadsAgain()
    {
        var spec = TaskSpec.Create("simulate", """{"duration_ms":10}""").ForEntity("build/answer-lost", "build.started");
        await SubmitWithItsAnswerLostThenLoadTheShardAgainAsync(spec);
        Assert.Null(await Client.GetStatusAsync(spec.Id));
        var next = await Client.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":10}""").ForEntity("build/answer-lost", "build.finished"));
        Assert.Equal(TaskState.Succeeded, next.State); // the entity let the first go: nothing waits for it
    }

    // The same for a task of no entity: Redis stalled past its command timeout, then ran the write when it woke. The
    // caller heard "nothing was accepted, retry"; left stored, the task ran when its shard next loaded (seen with a real
    // Redis: unknown after the stall, Succeeded on its second attempt once its silo had restarted).
    [Fact]
    public async Task SubmitAsync_TaskStoredButItsAnswerLost_NotThereWhenTheShardLoadsAgain()
    {
        var spec = TaskSpec.Create("simulate", """{"duration_ms":10}""");
        await SubmitWithItsAnswerLostThenLoadTheShardAgainAsync(spec);
        Assert.Null(await Client.GetStatusAsync(spec.Id));
    }

    // Submits with the store running the write but losing its answer (no retry), then has the shard's next activation
    // load the store: the refused submission must not be there.
    private async Task SubmitWithItsAnswerLostThenLoadTheShardAgainAsync(TaskSpec spec)
    {
        Assert.Null(await Client.GetStatusAsync(spec.Id)); // activates its shard, which claims it
        var shard = TaskShards.For(spec.Id);
        Store.LoseNextSaveAnswer(shard);
        await Assert.ThrowsAsync<SurgeStoreUnavailableException>(() => Grains.Shard(spec.Id).SubmitAsync(spec)); // no retry

        await Store.ClaimAsOtherAsync(shard); // the activation steps down at its next write; the next one loads the store
        Assert.Equal(TaskState.Succeeded, (await Client.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":10}""", id: SameShard(shard, spec.Id)))).State);
    }
}
