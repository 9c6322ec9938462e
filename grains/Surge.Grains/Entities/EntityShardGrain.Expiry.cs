
namespace Surge.Entities;

// Timers of the shard: one for the held events' hold limit (armed for the earliest), one that lets idle books go.
internal sealed partial class EntityShardGrain
{
    private readonly HashSet<string> _holding = new(StringComparer.Ordinal); // books in memory with held events
    private IGrainTimer? _expiryTimer;
    private DateTimeOffset _armedFor = DateTimeOffset.MaxValue;

    private void ScheduleExpiry(Book book)
    {
        if (book.Sequencer.NextExpiry(_holdLimit) is not { } due)
        {
            _holding.Remove(book.Key);
            return;
        }
        _holding.Add(book.Key);
        Arm(due);
    }

    private void Arm(DateTimeOffset due)
    {
        if (due >= _armedFor) return;
        _armedFor = due;
        var delay = due - time.GetUtcNow();
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        if (_expiryTimer is null) _expiryTimer = this.RegisterGrainTimer(ExpireDueAsync, delay, Timeout.InfiniteTimeSpan);
        else _expiryTimer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private async Task ExpireDueAsync(CancellationToken cancellationToken)
    {
        _armedFor = DateTimeOffset.MaxValue;
        _holding.RemoveWhere(key => !_books.ContainsKey(key)); // a failed write let it go: its next hand-over reads it again
        var now = time.GetUtcNow();
        var due = _holding.Where(key => _books[key].Sequencer.NextExpiry(_holdLimit) <= now).ToList();
        await Task.WhenAll(due.Select(ExpireAsync));
        foreach (var key in _holding)
        {
            if (_books.TryGetValue(key, out var book) && book.Sequencer.NextExpiry(_holdLimit) is { } next) Arm(next);
        }
    }

    private async Task ExpireAsync(string entity)
    {
        List<(string TaskId, string Reason, HeldEvent Held)> expired;
        using (await _gates.EnterAsync(entity))
        {
            if (!_books.TryGetValue(entity, out var book)) return;
            expired = book.Sequencer.Expire(time.GetUtcNow(), _holdLimit, entity);
            try
            {
                if (expired.Count > 0) await SaveAsync(book);
            }
            catch (Exception e)
            {
                LogNotStored(entity, e.Message); // its events are still held in their records: upkeep hands them back, and they wait again
                return;
            }
            ScheduleExpiry(book);
        }
        // Their shards are told once the entity's gate is let go: a shard may be calling this entity while it holds one
        // of those tasks' gates (it stores an event's end here before it forgets the record), and each would wait for
        // the other until the call timed out.
        var now = time.GetUtcNow();
        foreach (var (taskId, reason, held) in expired)
        {
            LogExpired(taskId, entity, reason);
            TraceHold(entity, held, now, reason);
            try
            {
                await GrainFactory.EventShard(taskId).OnExpiredAsync(taskId, reason);
            }
            catch (Exception e)
            {
                LogShardUnreachable(taskId, entity, e.Message); // still held in its record: upkeep hands it back, and it waits again
            }
        }
    }

    // Stores the ends kept in memory, then lets go of books nothing waits in, unused since the last sweep: a quiet
    // entity holds no memory.
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        await StoreUnsavedAsync();
        foreach (var (key, book) in _books)
        {
            if (!book.Used && !book.Unsaved && book.Sequencer.IsIdle && !_gates.IsHeld(key)) _books.Remove(key);
            else book.Used = false;
        }
    }

    private Task StoreUnsavedAsync()
        => Task.WhenAll(_books.Where(b => b.Value.Unsaved).Select(b => b.Key).ToList().Select(async key =>
        {
            using var gate = await _gates.EnterAsync(key);
            if (!_books.TryGetValue(key, out var book) || !book.Unsaved) return;
            try
            {
                await SaveAsync(book);
            }
            catch (Exception e)
            {
                LogNotStored(key, e.Message); // read again from storage when next needed, where its event still runs: the entity asks its record
            }
        }));
}
