namespace Surge.Tests;

public class GroupReadTests
{
    // A store whose reads wait for the test: each call records its keys and answers "value of key".
    private sealed class GatedReads
    {
        public List<string[]> Batches { get; } = [];
        public TaskCompletionSource Gate { get; set; } = new();
        public bool Fail { get; set; }

        public async ValueTask<IReadOnlyList<string>> ReadAsync(IReadOnlyList<string> keys)
        {
            Batches.Add([.. keys]);
            await Gate.Task;
            if (Fail) throw new InvalidOperationException("store down");
            return [.. keys.Select(k => $"value of {k}")];
        }
    }

    [Fact]
    public async Task ReadAsync_KeysAskedDuringARead_GoOutTogetherAndEachGetsItsOwn()
    {
        var store = new GatedReads();
        var reads = new GroupRead<string>(store.ReadAsync);
        var first = reads.ReadAsync("a").AsTask();
        var second = reads.ReadAsync("b").AsTask();
        var third = reads.ReadAsync("c").AsTask();
        Assert.Single(store.Batches); // b and c wait for a's round trip

        var gate = store.Gate;
        store.Gate = new TaskCompletionSource();
        gate.SetResult();
        Assert.Equal("value of a", await first);
        Assert.False(second.IsCompleted);
        store.Gate.SetResult();
        Assert.Equal(["value of b", "value of c"], await Task.WhenAll(second, third));
        Assert.Equal([["a"], ["b", "c"]], store.Batches);
    }

    [Fact]
    public async Task ReadAsync_BatchFails_EveryReadInItThrowsAndLaterReadsGoOut()
    {
        var store = new GatedReads();
        var reads = new GroupRead<string>(store.ReadAsync);
        var first = reads.ReadAsync("a").AsTask();
        var second = reads.ReadAsync("b").AsTask();
        store.Fail = true;
        store.Gate.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);

        store.Fail = false;
        Assert.Equal("value of c", await reads.ReadAsync("c"));
    }

    [Fact]
    public async Task ReadAsync_StoreInMemory_CompletesAtOnce()
    {
        var read = new GroupRead<string>(keys => ValueTask.FromResult<IReadOnlyList<string>>([.. keys])).ReadAsync("a");
        Assert.True(read.IsCompletedSuccessfully);
        Assert.Equal("a", await read);
    }
}
