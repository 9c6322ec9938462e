namespace Surge.Tasks;

/// <summary>
/// One task shard's lists as its records change: dead letters, retrying, held, queued and running tasks, each in a
/// fixed order, overall and by type, and its tasks by entity. A page is read from where the last one ended (keyset
/// paging), in time logarithmic in the list and linear in the page, never by a scan of the records. Pure and
/// single-threaded: the shard calls it from its own turns, as it does <see cref="ShardDigest"/>.
/// </summary>
/// <remarks>
/// <see cref="Scan"/> is the same question answered by filtering every record: the oracle of the randomized tests
/// (the index always equals it) and the baseline of <c>bench lists</c>.
/// </remarks>
internal sealed class TaskIndex
{
    /// <summary>The most rows one page may ask for.</summary>
    public const int MaxPage = 200;

    private readonly Dictionary<TaskList, SortedSet<Entry>> _all = [];
    private readonly Dictionary<(TaskList, string Type), SortedSet<Entry>> _byType = [];
    private readonly Dictionary<string, Dictionary<string, TaskRecord>> _byEntity = new(StringComparer.Ordinal);

    /// <summary>A record went from <paramref name="before"/> to <paramref name="after"/> (null: absent).</summary>
    public void Track(TaskRecord? before, TaskRecord? after)
    {
        // Removed by the key it was added with: the old version's.
        if (before is not null && ListOf(before) is { } was)
        {
            var key = KeyOf(before, was);
            Remove(_all, was, key);
            Remove(_byType, (was, before.Spec.Type), key);
        }
        if (after is not null && ListOf(after) is { } now)
        {
            var entry = new Entry(KeyOf(after, now), after);
            Set(_all, now).Add(entry);
            Set(_byType, (now, after.Spec.Type)).Add(entry);
        }
        if (before?.Spec.Entity is { } oldEntity && oldEntity != after?.Spec.Entity && _byEntity.TryGetValue(oldEntity, out var tasks))
        {
            tasks.Remove(before.Id);
            if (tasks.Count == 0) _byEntity.Remove(oldEntity);
        }
        if (after?.Spec.Entity is { } entity)
        {
            if (!_byEntity.TryGetValue(entity, out tasks)) _byEntity[entity] = tasks = new(StringComparer.Ordinal);
            tasks[after.Id] = after;
        }
    }

    /// <summary>The rows of <paramref name="query"/>'s list after its cursor, in the list's order, at most its limit (capped at <see cref="MaxPage"/>).</summary>
    public List<TaskRecord> Page(TaskListQuery query)
    {
        var set = query.Type is null ? _all.GetValueOrDefault(query.List) : _byType.GetValueOrDefault((query.List, query.Type));
        var limit = Math.Clamp(query.Limit, 0, MaxPage);
        var page = new List<TaskRecord>(Math.Min(limit, set?.Count ?? 0));
        if (set is null || set.Count == 0 || limit == 0) return page;
        IEnumerable<Entry> from = query.After is { } after ? set.GetViewBetween(new Entry(after, null), Entry.Last) : set;
        foreach (var entry in from)
        {
            if (query.After is { } cursor && entry.Key.CompareTo(cursor) <= 0) continue; // the cursor's own row was on the last page
            page.Add(entry.Record!);
            if (page.Count == limit) break;
        }
        return page;
    }

    /// <summary>How many tasks <paramref name="list"/> holds, of <paramref name="type"/> or of any type.</summary>
    public int Count(TaskList list, string? type = null)
        => (type is null ? _all.GetValueOrDefault(list) : _byType.GetValueOrDefault((list, type)))?.Count ?? 0;

    /// <summary>Every task <paramref name="list"/> holds, in the list's order: what an operator's purge of the whole list takes.</summary>
    public List<string> Ids(TaskList list)
        => _all.TryGetValue(list, out var set) ? [.. set.Select(e => e.Record!.Id)] : [];

    /// <summary>The tasks of <paramref name="entity"/> this shard has a record of, in no particular order.</summary>
    public IReadOnlyCollection<TaskRecord> OfEntity(string entity)
        => _byEntity.TryGetValue(entity, out var tasks) ? tasks.Values : [];

    /// <summary>The same page as <see cref="Page"/>, by filtering and sorting every record: the oracle and the baseline.</summary>
    public static List<TaskRecord> Scan(IEnumerable<TaskRecord> records, TaskListQuery query)
        => [.. records.Where(r => ListOf(r) == query.List && (query.Type is null || r.Spec.Type == query.Type))
            .Select(r => (Key: KeyOf(r, query.List), Record: r))
            .Where(e => query.After is not { } after || e.Key.CompareTo(after) > 0)
            .OrderBy(e => e.Key)
            .Take(Math.Clamp(query.Limit, 0, MaxPage))
            .Select(e => e.Record)];

    /// <summary>The list a record is on, if any: each record is on at most one.</summary>
    public static TaskList? ListOf(TaskRecord r) => r switch
    {
        { DeadLettered: true } => TaskList.DeadLetters,
        { State: TaskState.Retrying } => TaskList.Retrying,
        { State: TaskState.Held } => TaskList.Held,
        { State: TaskState.Queued } => TaskList.Queued,
        { State: TaskState.Running } => TaskList.Running,
        _ => null,
    };

    /// <summary>
    /// Where a record sorts in its list: dead letters latest failure first; retrying by their next attempt; held by
    /// submission; queued by dispatch; running by start, so the longest waiting or running come first.
    /// </summary>
    public static TaskListKey KeyOf(TaskRecord r, TaskList list) => new(list switch
    {
        TaskList.DeadLetters => -(r.FinishedAt ?? r.SubmittedAt).UtcTicks,
        TaskList.Retrying => (r.NextAttemptAt ?? r.SubmittedAt).UtcTicks,
        TaskList.Queued => (r.QueuedAt ?? r.SubmittedAt).UtcTicks,
        TaskList.Running => (r.StartedAt ?? r.QueuedAt ?? r.SubmittedAt).UtcTicks,
        _ => r.SubmittedAt.UtcTicks,
    }, r.Id);

    private static SortedSet<Entry> Set<TKey>(Dictionary<TKey, SortedSet<Entry>> sets, TKey key) where TKey : notnull
    {
        if (!sets.TryGetValue(key, out var set)) sets[key] = set = [];
        return set;
    }

    // An emptied set is dropped: type names come from clients, and a type that is gone leaves nothing behind.
    private static void Remove<TKey>(Dictionary<TKey, SortedSet<Entry>> sets, TKey key, TaskListKey entry) where TKey : notnull
    {
        if (!sets.TryGetValue(key, out var set)) return;
        set.Remove(new Entry(entry, null));
        if (set.Count == 0) sets.Remove(key);
    }

    // Compared by key only: the record rides along, so a page needs no second look-up.
    private readonly record struct Entry(TaskListKey Key, TaskRecord? Record) : IComparable<Entry>
    {
        public static readonly Entry Last = new(new TaskListKey(long.MaxValue, null!), null);

        public int CompareTo(Entry other) => Key.CompareTo(other.Key);
    }
}
