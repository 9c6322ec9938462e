using Surge.Tasks;

namespace Surge.Tests;

/// <summary>The claim rules every task store keeps, on the in-memory one (the Redis one: <c>RedisTaskStoreTests</c>).</summary>
public class TaskStoreClaimTests
{
    private static TaskRecord Record(string id, TaskState state = TaskState.Queued) => new() { Spec = TaskSpec.Create("t", id: id), State = state };

    [Fact]
    public async Task SaveAsync_UnderAReplacedClaim_IsRefusedAndStoresNothing()
    {
        var store = new InMemoryTaskStore();
        var old = await store.ClaimAsync(7);
        await store.SaveAsync(old, [Record("a")]);
        var current = await store.ClaimAsync(7);

        var refused = await Assert.ThrowsAsync<ShardClaimLostException>(() => store.SaveAsync(old, [Record("a", TaskState.Succeeded), Record("b")]).AsTask());
        Assert.Equal(old, refused.Claim);
        Assert.Equal(TaskState.Queued, Assert.Single(await store.LoadAsync(7)).State);

        await store.SaveAsync(current, [Record("b")]);
        Assert.Equal(["a", "b"], (await store.LoadAsync(7)).Select(r => r.Id).Order());
    }

    [Fact]
    public async Task RemoveAsync_UnderAReplacedClaim_IsRefusedAndRemovesNothing()
    {
        var store = new InMemoryTaskStore();
        var old = await store.ClaimAsync(1);
        await store.SaveAsync(old, [Record("a")]);
        await store.ClaimAsync(1);

        await Assert.ThrowsAsync<ShardClaimLostException>(() => store.RemoveAsync(old, ["a"]).AsTask());
        Assert.Single(await store.LoadAsync(1));
    }

    // A shard asks this before it says a task is unknown (TaskShardGrain.GetRunAsync).
    [Fact]
    public async Task SaveAsync_NothingToWrite_ChecksTheClaim()
    {
        var store = new InMemoryTaskStore();
        var old = await store.ClaimAsync(3);
        await store.SaveAsync(old, []);
        var current = await store.ClaimAsync(3);

        await Assert.ThrowsAsync<ShardClaimLostException>(() => store.SaveAsync(old, []).AsTask());
        await store.SaveAsync(current, []);
        Assert.Empty(await store.LoadAsync(3));
    }

    [Fact]
    public async Task ClaimAsync_OtherShards_KeepTheirClaims()
    {
        var store = new InMemoryTaskStore();
        var one = await store.ClaimAsync(1);
        var two = await store.ClaimAsync(2);
        await store.ClaimAsync(2);

        await store.SaveAsync(one, [Record("a")]);
        await Assert.ThrowsAsync<ShardClaimLostException>(() => store.SaveAsync(two, [Record("b")]).AsTask());
    }
}
