namespace Surge.Tasks;

// Every change of a stored record goes through here, so the shard's digest (held events, dead letters) and its index
// (the status page's lists) follow its records and this silo's summary shows them without a scan of every shard.
internal sealed partial class TaskShardGrain
{
    private ShardDigest? _digest;
    private bool _published;

    // The ids of records this shard still has to see through (TaskLifecycle.MayStillRun): upkeep looks at these, not
    // at every record, which it keeps for a day (Surge:Tasks:Retention) after they are final.
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);

    // Final records by when they finished, oldest first: the retention sweep takes the expired from the front rather
    // than looking at every record each sweep.
    private readonly SortedSet<(DateTimeOffset FinishedAt, string Id)> _finished = new(ByFinish.Instance);

    private ShardDigest Digest => _digest ??= new ShardDigest(_shard);

    /// <summary>Stores <paramref name="record"/> in memory; <paramref name="publish"/>: false while loading, published once after.</summary>
    private void Put(TaskRecord record, bool publish = true)
    {
        var before = _records.GetValueOrDefault(record.Id);
        _records[record.Id] = record;
        if (TaskLifecycle.MayStillRun(record)) _open.Add(record.Id);
        else _open.Remove(record.Id);
        if (FinishedKey(before) is { } was) _finished.Remove(was);
        if (FinishedKey(record) is { } now) _finished.Add(now);
        _index.Track(before, record);
        if (Digest.Track(before, record) && publish) PublishDigest();
    }

    private bool Drop(string taskId)
    {
        // What the dispatch bookkeeping knew of it goes with it (silo groups: failed batches).
        _undelivered.Remove(taskId);
        _unsure.Remove(taskId);
        // A dead letter's retry that may be stored is taken back by storing the dead letter again (SettleMaybeStoredAsync):
        // removed from the store now, whatever that write left there, it has nothing to take back, and would come back.
        _maybeStored.Remove(taskId);
        if (!_records.Remove(taskId, out var before)) return false;
        _open.Remove(taskId);
        if (FinishedKey(before) is { } was) _finished.Remove(was);
        _index.Track(before, null);
        return Digest.Track(before, null);
    }

    private static (DateTimeOffset, string)? FinishedKey(TaskRecord? record)
        => record is { FinishedAt: { } at } && record.State.IsFinal() ? (at, record.Id) : null;

    private sealed class ByFinish : IComparer<(DateTimeOffset FinishedAt, string Id)>
    {
        public static readonly ByFinish Instance = new();

        public int Compare((DateTimeOffset FinishedAt, string Id) x, (DateTimeOffset FinishedAt, string Id) y)
            => x.FinishedAt != y.FinishedAt ? x.FinishedAt.CompareTo(y.FinishedAt) : string.CompareOrdinal(x.Id, y.Id);
    }

    // Once: from then on the silo reads the digest as it stands (it is summarized when read, not at every change).
    private void PublishDigest()
    {
        if (_published) return;
        digests.Publish(Digest);
        _published = true;
    }

    private void WithdrawDigest()
    {
        if (_published) digests.Withdraw(Digest);
        _published = false;
    }
}
