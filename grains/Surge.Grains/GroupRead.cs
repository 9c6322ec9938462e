namespace Surge;

/// <summary>
/// Group reads for one activation, as <see cref="GroupCommit{T}"/> groups its writes: a read goes out at once when
/// none is in flight; keys asked for while one is in flight go out together in the next. Entity shards read the books
/// of entities they meet for the first time through it. Used inside one grain activation, so it needs no lock.
/// </summary>
internal sealed class GroupRead<T>(Func<IReadOnlyList<string>, ValueTask<IReadOnlyList<T>>> read)
{
    private List<string>? _next;
    private TaskCompletionSource<IReadOnlyList<T>>? _nextDone;
    private bool _reading;

    /// <summary>What is stored under the key; throws what the store threw for its batch.</summary>
    public ValueTask<T> ReadAsync(string key)
    {
        if (_reading)
        {
            (_next ??= []).Add(key);
            _nextDone ??= new TaskCompletionSource<IReadOnlyList<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
            return ItemAsync(_nextDone.Task, _next.Count - 1);
        }
        var single = read([key]);
        return single.IsCompletedSuccessfully ? new ValueTask<T>(single.Result[0]) : AwaitAsync(single); // a store in memory never makes anyone wait
    }

    private static async ValueTask<T> ItemAsync(Task<IReadOnlyList<T>> batch, int index) => (await batch)[index];

    private async ValueTask<T> AwaitAsync(ValueTask<IReadOnlyList<T>> single)
    {
        _reading = true;
        try
        {
            return (await single)[0];
        }
        finally
        {
            _reading = false;
            ReadNext();
        }
    }

    private void ReadNext()
    {
        if (_next is not { } batch) return;
        var done = _nextDone!;
        (_next, _nextDone) = (null, null);
        _ = ReadBatchAsync(batch, done);
    }

    private async Task ReadBatchAsync(List<string> batch, TaskCompletionSource<IReadOnlyList<T>> done)
    {
        _reading = true;
        try
        {
            done.SetResult(await read(batch));
        }
        catch (Exception e)
        {
            done.SetException(e);
        }
        finally
        {
            _reading = false;
            ReadNext();
        }
    }
}
