namespace Surge.Tasks;

/// <summary>
/// What one task shard holds that an operator looks at, kept as its records change: its held entity events ordered
/// oldest first and its dead letters latest first, so counts and the first few are read without scanning every record.
/// Pure: the shard changes it from its own turns; the silo's status reads it from another thread, so both take its lock
/// (a summary is made when read, not at every change: a held event comes and goes twice per event otherwise).
/// </summary>
internal sealed class ShardDigest(int shard)
{
    private readonly Lock _lock = new();
    private readonly SortedSet<TaskRecord> _held = new(Comparer<TaskRecord>.Create(OldestFirst));
    private readonly SortedSet<TaskRecord> _dead = new(Comparer<TaskRecord>.Create(LatestFailureFirst));
    private ShardSummary? _summary; // the last one read, until the next change
    private int _summaryDepth;

    public int Shard => shard;

    /// <summary>Held entity events, oldest first. The shard's own thread only.</summary>
    public IEnumerable<TaskRecord> Held => _held;

    /// <summary>Dead-lettered tasks, latest failure first. The shard's own thread only.</summary>
    public IEnumerable<TaskRecord> DeadLetters => _dead;

    /// <summary>
    /// A record went from <paramref name="before"/> to <paramref name="after"/> (null: absent). True when the held
    /// events or dead letters changed, so the shard's summary should be published again.
    /// </summary>
    public bool Track(TaskRecord? before, TaskRecord? after)
    {
        if (!IsHeld(before) && !IsDead(before) && !IsHeld(after) && !IsDead(after)) return false; // most changes: no lock taken
        lock (_lock)
        {
            // Removed by the keys they were added with: a record's old version is the one in the set.
            var changed = false;
            if (IsHeld(before)) changed |= _held.Remove(before!);
            if (IsDead(before)) changed |= _dead.Remove(before!);
            if (IsHeld(after)) changed |= _held.Add(after!);
            if (IsDead(after)) changed |= _dead.Add(after!);
            if (changed) _summary = null;
            return changed;
        }
    }

    /// <summary>The counts and the first <paramref name="depth"/> of each list as they stand now; from any thread.</summary>
    public ShardSummary Summarize(int depth)
    {
        lock (_lock)
        {
            // A shard that did not change since the last read answers with the same summary: a status read stays cheap.
            if (_summary is { } last && _summaryDepth == depth) return last;
            _summaryDepth = depth;
            return _summary = new(shard,
                _held.Count, [.. _held.Take(depth).Select(r => new HeldEventSummary(r.Id, r.Spec.Entity, r.Spec.Event, r.SubmittedAt))],
                _dead.Count, [.. _dead.Take(depth).Select(r => new DeadLetterSummary(r.Id, r.Spec.Type, r.CountedAttempts, r.FinishedAt, r.Error))]);
        }
    }

    private static bool IsHeld(TaskRecord? r) => r is { State: TaskState.Held };

    private static bool IsDead(TaskRecord? r) => r is { DeadLettered: true };

    // Ties broken by id, so two records of the same instant are both kept.
    private static int OldestFirst(TaskRecord? a, TaskRecord? b)
    {
        var byTime = a!.SubmittedAt.CompareTo(b!.SubmittedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    }

    private static int LatestFailureFirst(TaskRecord? a, TaskRecord? b)
    {
        var byTime = (b!.FinishedAt ?? DateTimeOffset.MinValue).CompareTo(a!.FinishedAt ?? DateTimeOffset.MinValue);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    }
}

/// <summary>One shard's held events and dead letters as its digest last published them.</summary>
internal sealed record ShardSummary(int Shard, int HeldCount, HeldEventSummary[] Held, int DeadLetterCount, DeadLetterSummary[] DeadLetters);
