using System.Globalization;
using Orleans.Concurrency;

namespace Surge.Tasks;

/// <summary>The lists an operator pages through on the status page; a task is on at most one.</summary>
[GenerateSerializer]
internal enum TaskList
{
    /// <summary>Failed for good, latest failure first.</summary>
    DeadLetters = 0,
    /// <summary>Waiting for their next attempt, soonest first.</summary>
    Retrying = 1,
    /// <summary>Entity events waiting for a predecessor, oldest first.</summary>
    Held = 2,
    /// <summary>Dispatched, waiting for a slot, longest waiting first.</summary>
    Queued = 3,
    /// <summary>Running, longest running first.</summary>
    Running = 4,
}

/// <summary>
/// A row's place in its list: a number that orders the list (ticks, negated for latest-first lists) and the task id
/// for ties. The page after a key is the same on every shard, so the pages of all shards merge into one.
/// </summary>
[GenerateSerializer, Immutable]
internal readonly record struct TaskListKey([property: Id(0)] long Order, [property: Id(1)] string Id) : IComparable<TaskListKey>
{
    // A null id sorts after every id: the upper bound of a range.
    public int CompareTo(TaskListKey other)
    {
        var byOrder = Order.CompareTo(other.Order);
        if (byOrder != 0) return byOrder;
        if (Id is null || other.Id is null) return (Id is null ? 1 : 0) - (other.Id is null ? 1 : 0);
        return string.CompareOrdinal(Id, other.Id);
    }

    /// <summary>The cursor a page hands out for the page after it: opaque to callers, <c>order.id</c>.</summary>
    public string ToCursor() => $"{Order.ToString(CultureInfo.InvariantCulture)}.{Id}";

    public static TaskListKey? FromCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && long.TryParse(cursor.AsSpan(0, dot), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var order) && dot + 1 < cursor.Length
            ? new TaskListKey(order, cursor[(dot + 1)..])
            : throw new SurgeValidationException("after", $"'{cursor}' is not a cursor this page handed out");
    }
}

/// <summary>A page of a list: tasks of <paramref name="Type"/> (null: any) after <paramref name="After"/> (null: from the start).</summary>
[GenerateSerializer, Immutable]
internal sealed record TaskListQuery(
    [property: Id(0)] TaskList List,
    [property: Id(1)] string? Type,
    [property: Id(2)] TaskListKey? After,
    [property: Id(3)] int Limit);

/// <summary>One task as a list shows it: enough to recognise it and act on it; its page has the rest.</summary>
[GenerateSerializer, Immutable]
internal sealed record TaskListRow(
    [property: Id(0)] TaskListKey Key,
    [property: Id(1)] string Type,
    [property: Id(2)] TaskState State,
    [property: Id(3)] int Attempts,
    [property: Id(4)] DateTimeOffset SubmittedAt,
    [property: Id(5)] DateTimeOffset? At,
    [property: Id(6)] string? Error,
    [property: Id(7)] string? Entity,
    [property: Id(8)] PoolKind? Pool)
{
    /// <summary>How much of an error a row carries; the task's page shows more.</summary>
    public const int MaxErrorLength = 200;

    public string Id => Key.Id;

    public static TaskListRow Of(TaskRecord r, TaskList list) => new(TaskIndex.KeyOf(r, list), r.Spec.Type, r.State, r.CountedAttempts, r.SubmittedAt,
        list switch
        {
            TaskList.DeadLetters => r.FinishedAt,
            TaskList.Retrying => r.NextAttemptAt,
            TaskList.Queued => r.QueuedAt,
            TaskList.Running => r.StartedAt,
            _ => r.SubmittedAt,
        },
        r.Error is { Length: > MaxErrorLength } e ? $"{TextCut.Head(e, MaxErrorLength)}…" : r.Error, r.Spec.Entity, r.Pool);
}

/// <summary>
/// What the status page asks one task shard: a page of a list from its index, the same page by a scan of its records
/// (the benchmark's baseline), and the tasks of an entity. Silos only: not on the clients' public list.
/// </summary>
internal interface ITaskShardLists : IGrainWithIntegerKey
{
    [ReadOnly]
    Task<TaskListRow[]> ListAsync(TaskListQuery query);

    [ReadOnly]
    Task<TaskListRow[]> ScanAsync(TaskListQuery query);

    [ReadOnly]
    Task<TaskStatus[]> GetEntityTasksAsync(string entity);
}
