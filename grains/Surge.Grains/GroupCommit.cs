namespace Surge;

/// <summary>
/// Group commit for one activation's writes: a write goes out at once when none is in flight; writes that arrive while
/// one is in flight wait and go out together in the next one. Latency stays one round trip, and under load an
/// activation makes one store call per batch instead of one per change. Task shards write their records through it,
/// entity shards their books. Used inside one grain activation (one thread at a time), so it needs no lock.
/// </summary>
internal sealed class GroupCommit<T>(Func<IReadOnlyList<T>, ValueTask> write)
{
    private List<T>? _next;
    private TaskCompletionSource? _nextDone;
    private bool _writing;

    /// <summary>Completes once the item is stored; throws what the store threw for its batch.</summary>
    public ValueTask WriteAsync(T item)
    {
        if (_writing)
        {
            (_next ??= []).Add(item);
            _nextDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new ValueTask(_nextDone.Task);
        }
        var save = write([item]);
        return save.IsCompletedSuccessfully ? default : AwaitAsync(save); // a store in memory never makes anyone wait
    }

    private async ValueTask AwaitAsync(ValueTask save)
    {
        _writing = true;
        try
        {
            await save;
        }
        finally
        {
            _writing = false;
            FlushNext();
        }
    }

    private void FlushNext()
    {
        if (_next is not { } batch) return;
        var done = _nextDone!;
        (_next, _nextDone) = (null, null);
        _ = WriteBatchAsync(batch, done);
    }

    private async Task WriteBatchAsync(List<T> batch, TaskCompletionSource done)
    {
        _writing = true;
        try
        {
            await write(batch);
            done.SetResult();
        }
        catch (Exception e)
        {
            done.SetException(e);
        }
        finally
        {
            _writing = false;
            FlushNext();
        }
    }
}
