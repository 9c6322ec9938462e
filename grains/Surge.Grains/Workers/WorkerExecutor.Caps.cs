using Surge.Caps;
using Surge.Policies;

namespace Surge.Workers;

// Cluster-wide caps and rate limits per task type: a capped task enters its pool only with a leased slot (and a start
// token), so the pool's FIFO and every other type are unaffected by how many of it wait.
internal sealed partial class WorkerExecutor
{
    private readonly Dictionary<string, CapState> _caps = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> CappedTypes => _caps.Keys;

    private void CreateCaps(TaskPoliciesOptions policies)
    {
        foreach (var (type, policy) in policies.Types)
            if (policy.IsCapped) _caps[type] = new CapState(policy);
    }

    /// <summary>What this silo holds and wants of a capped type; null when it has nothing to sync.</summary>
    public CapRequest? CapRequestFor(string type, string silo)
    {
        lock (_lock) return _caps[type] is { IsIdle: false } cap ? cap.Request(silo) : null;
    }

    /// <summary>Each capped type's waiting tasks and leased slots on this silo.</summary>
    public (string Type, int Waiting, int Slots)[] CapSnapshot()
    {
        lock (_lock) return [.. _caps.Select(c => (c.Key, c.Value.Waiting.Count, c.Value.Slots))];
    }

    /// <summary>The cap grain's answer: admits what now fits.</summary>
    public void ApplyGrant(string type, CapGrant grant)
    {
        lock (_lock)
        {
            var cap = _caps[type];
            cap.Apply(grant, _time.GetTimestamp(), _time.TimestampFrequency);
            AdmitWaitingLocked(cap);
            DispatchLocked();
        }
    }

    // Under _lock. False when the item must wait for its cap (it is then queued there).
    private bool AdmitOrHoldLocked(WorkItem item)
    {
        if (!_caps.TryGetValue(item.Spec.Type, out var cap)) return true;
        if (cap.Waiting.Count == 0 && cap.TryAdmit(_time.GetTimestamp()))
        {
            item.HoldsCap = true;
            return true;
        }
        cap.Waiting.Enqueue(item);
        return false;
    }

    private void AdmitWaitingLocked(CapState cap)
    {
        var now = _time.GetTimestamp();
        while (cap.Waiting.Count > 0)
        {
            var next = cap.Waiting.Peek();
            if (next.Cancelled)
            {
                ReportNotStartedLocked(cap.Waiting.Dequeue());
                continue;
            }
            if (!cap.TryAdmit(now)) return;
            cap.Waiting.Dequeue();
            next.HoldsCap = true;
            var pool = Find(next.Pool)!;
            pool.Queue.Enqueue(next);
            pool.Arrived++;
        }
    }

    // Under _lock: the item's slot is free again; the next waiting task of its type may take it.
    private void ReleaseCapLocked(WorkItem item, bool admitNext = true)
    {
        if (!item.HoldsCap) return;
        item.HoldsCap = false;
        var cap = _caps[item.Spec.Type];
        cap.Release();
        if (admitNext) AdmitWaitingLocked(cap);
    }
}
