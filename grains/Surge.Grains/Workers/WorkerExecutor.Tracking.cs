namespace Surge.Workers;

internal sealed partial class WorkerExecutor
{
    // Every item this executor holds, queued, waiting for its cap, starting, running or reporting, by task id: a cancel
    // reaches an item wherever it is, including between its dequeue and its start.
    private readonly Dictionary<string, List<WorkItem>> _active = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether this executor still holds the task: queued, running, or reporting its outcome. An entity whose running
    /// event is not here, while its record is unfinished, lost the run (its outcome never reached the record).
    /// </summary>
    public bool IsActive(string taskId)
    {
        lock (_lock) return _active.ContainsKey(taskId);
    }

    // Under _lock. A list, not one item: a task may be here twice for a moment (a re-run beside a slow first run).
    private void Track(WorkItem item)
    {
        if (!_active.TryGetValue(item.Spec.Id, out var items)) _active[item.Spec.Id] = items = new List<WorkItem>(1);
        items.Add(item);
    }

    // Under _lock.
    private void Untrack(WorkItem item)
    {
        if (!_active.TryGetValue(item.Spec.Id, out var items)) return;
        items.Remove(item);
        if (items.Count == 0) _active.Remove(item.Spec.Id);
    }

    // Under _lock: marks every item of the task cancelled. False when none is here.
    private bool MarkCancelledLocked(string taskId)
    {
        if (!_active.TryGetValue(taskId, out var items)) return false;
        foreach (var item in items) item.Cancelled = true;
        return true;
    }
}
