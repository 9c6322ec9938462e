namespace Surge.Entities;

/// <summary>
/// The ordering rules of one entity, over its <see cref="EntityRecord"/>. Pure: no Orleans, time passed in.
/// An event is ready when nothing of its entity runs, its <c>after</c> event has been handled, and its sequence
/// number (if any) follows the last handled one. Ready events go in arrival order; a held event does not block
/// later events that do not depend on it.
/// </summary>
internal sealed class EntitySequencer(EntityRecord record)
{
    public EntityRecord Record => record;

    public bool IsIdle => record.Running is null && record.Pending.Count == 0;

    public bool Contains(string taskId)
        => record.Running?.Id == taskId || record.Pending.Exists(e => e.Spec.Id == taskId);

    public void Add(TaskSpec spec, DateTimeOffset now) => record.Pending.Add(new HeldEvent(spec, now));

    /// <summary>Takes the next ready event, or null when one is running or none is ready.</summary>
    public TaskSpec? TryRelease()
    {
        if (record.Running is not null) return null;
        var index = record.Pending.FindIndex(e => IsReady(e.Spec));
        if (index < 0) return null;
        var spec = record.Pending[index].Spec;
        record.Pending.RemoveAt(index);
        record.Running = spec;
        return spec;
    }

    /// <summary>The running event reached a final state. False when <paramref name="taskId"/> was not the running one.</summary>
    public bool Finish(string taskId)
    {
        if (record.Running is not { } running || running.Id != taskId) return false;
        MarkHandled(running);
        record.Running = null;
        return true;
    }

    /// <summary>A held event reached a final state without running (cancelled): it leaves, and counts as handled.</summary>
    public bool Drop(string taskId)
    {
        var index = record.Pending.FindIndex(e => e.Spec.Id == taskId);
        if (index < 0) return false;
        MarkHandled(record.Pending[index].Spec);
        record.Pending.RemoveAt(index);
        return true;
    }

    // A cancelled sequence number ahead of the last handled is remembered and passed over when its turn comes, so its
    // successors do not wait for it.
    private void MarkHandled(TaskSpec spec)
    {
        if (spec.Event is { } name) record.Handled.Add(name);
        if (spec.Sequence is not { } sequence) return;
        if (sequence > record.LastSequence + 1) record.Skipped.Add(sequence);
        else record.LastSequence = Math.Max(record.LastSequence, sequence);
        while (record.Skipped.Count > 0 && record.Skipped.Min <= record.LastSequence + 1)
        {
            record.LastSequence = Math.Max(record.LastSequence, record.Skipped.Min);
            record.Skipped.Remove(record.Skipped.Min);
        }
    }

    /// <summary>Removes events held for <paramref name="limit"/> or longer, each with the reason it failed.</summary>
    public List<(TaskSpec Spec, string Reason)> Expire(DateTimeOffset now, TimeSpan limit)
    {
        var expired = new List<(TaskSpec, string)>();
        record.Pending.RemoveAll(e =>
        {
            if (now - e.Since < limit) return false;
            expired.Add((e.Spec, Reason(e.Spec, limit)));
            return true;
        });
        return expired;
    }

    /// <summary>When the oldest held event expires, or null when none is held.</summary>
    public DateTimeOffset? NextExpiry(TimeSpan limit)
        => record.Pending.Count == 0 ? null : record.Pending.Min(e => e.Since) + limit;

    private bool IsReady(TaskSpec spec)
        => (spec.After is null || record.Handled.Contains(spec.After))
           && (spec.Sequence is null || spec.Sequence == record.LastSequence + 1);

    private string Reason(TaskSpec spec, TimeSpan limit)
    {
        var waitedFor = spec.After is { } after && !record.Handled.Contains(after)
            ? $"event '{after}'"
            : spec.Sequence is { } sequence && sequence <= record.LastSequence
                ? $"nothing: sequence {sequence} came after {record.LastSequence} was handled (a duplicate or late event)"
            : spec.Sequence is { } next && next != record.LastSequence + 1
                ? $"sequence {next - 1} (last handled: {record.LastSequence})"
                : $"event '{record.Running?.Event ?? record.Running?.Id}' to finish";
        return $"held {limit} waiting for {waitedFor} of entity '{spec.Entity}', which was never handled; submit it, or raise {EntityOptions.Section}:HoldLimit";
    }
}
