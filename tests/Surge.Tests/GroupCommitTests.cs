using Surge.Tasks;

namespace Surge.Tests;

public class GroupCommitTests
{
    private sealed class GatedStore : ITaskStore
    {
        public List<string[]> Batches { get; } = [];
        public TaskCompletionSource Gate { get; set; } = new();
        public bool Fail { get; set; }

        public ValueTask<ShardClaim> ClaimAsync(int shard) => ValueTask.FromResult(new ShardClaim(shard, 1));

        public async ValueTask SaveAsync(ShardClaim claim, IReadOnlyList<TaskRecord> records)
        {
            Batches.Add([.. records.Select(r => r.Id)]);
            await Gate.Task;
            if (Fail) throw new InvalidOperationException("store down");
        }

        public ValueTask RemoveAsync(ShardClaim claim, IReadOnlyCollection<string> taskIds) => ValueTask.CompletedTask;

        public ValueTask<IReadOnlyCollection<TaskRecord>> LoadAsync(int shard) => ValueTask.FromResult<IReadOnlyCollection<TaskRecord>>([]);
    }

    private static TaskRecord Record(string id) => new() { Spec = TaskSpec.Create("t", id: id) };

    [Fact]
    public async Task WriteAsync_WritesArrivingDuringAWrite_GoOutTogetherInTheNext()
    {
        var store = new GatedStore();
        var journal = new GroupCommit<TaskRecord>(records => store.SaveAsync(new ShardClaim(0, 1), records));
        var first = journal.WriteAsync(Record("a")).AsTask();
        var second = journal.WriteAsync(Record("b")).AsTask();
        var third = journal.WriteAsync(Record("c")).AsTask();
        Assert.Single(store.Batches); // b and c wait for a's round trip

        var gate = store.Gate;
        store.Gate = new TaskCompletionSource();
        gate.SetResult();
        await first;
        Assert.False(second.IsCompleted); // not stored yet: its batch is in flight
        store.Gate.SetResult();
        await Task.WhenAll(second, third);
        Assert.Equal([["a"], ["b", "c"]], store.Batches);
    }

    [Fact]
    public async Task WriteAsync_BatchFails_EveryWriteInItThrows()
    {
        var store = new GatedStore();
        var journal = new GroupCommit<TaskRecord>(records => store.SaveAsync(new ShardClaim(0, 1), records));
        var first = journal.WriteAsync(Record("a")).AsTask();
        var second = journal.WriteAsync(Record("b")).AsTask();
        var third = journal.WriteAsync(Record("c")).AsTask();
        store.Fail = true;
        store.Gate.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        await Assert.ThrowsAsync<InvalidOperationException>(() => third);
    }

    [Fact]
    public async Task WriteAsync_StoreInMemory_CompletesAtOnce()
    {
        var store = new InMemoryTaskStore();
        var claim = await store.ClaimAsync(0);
        Assert.True(new GroupCommit<TaskRecord>(records => store.SaveAsync(claim, records)).WriteAsync(Record("a")).IsCompletedSuccessfully);
    }
}
