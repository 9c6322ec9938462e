namespace Surge.Workers;

internal sealed partial class WorkerExecutor
{
    private readonly Dictionary<string, int> _active = new(StringComparer.Ordinal); // queued, running or reporting

    /// <summary>
    /// Whether this executor still holds the task: queued, running, or reporting its outcome. An entity whose running
    /// event is not here, while its record is unfinished, lost the run (its outcome never reached the record).
    /// </summary>
    public bool IsActive(string taskId)
    {
        lock (_lock) return _active.ContainsKey(taskId);
    }

    // Under _lock. Counted, not a set: a task may be here twice for a moment (a re-run beside a slow first run).
    private void Track(string taskId, int delta)
    {
        var count = _active.GetValueOrDefault(taskId) + delta;
        if (count > 0) _active[taskId] = count;
        else _active.Remove(taskId);
    }
}
