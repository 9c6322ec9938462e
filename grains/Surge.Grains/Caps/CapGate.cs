using Microsoft.Extensions.Options;
using Surge.Policies;
using Surge.Pools;

namespace Surge.Caps;

/// <summary>
/// The pools' start gate for capped types: a task of a capped type starts only with a slot of its type's cluster-wide
/// cap leased by this silo (and a start token under a rate limit). The pools ask under their lock; the lease keeper
/// updates it from the cap grains. Its own lock is always the inner one, so the two never deadlock.
/// </summary>
internal sealed class CapGate : IStartGate
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CapState> _caps = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public CapGate(IOptions<TaskPoliciesOptions> policies, TimeProvider time)
    {
        _time = time;
        foreach (var (type, policy) in policies.Value.Types)
            if (policy.IsCapped) _caps[type] = new CapState(policy);
    }

    public IReadOnlyCollection<string> CappedTypes => _caps.Keys;

    public bool Gates(string type) => _caps.ContainsKey(type);

    public bool TryEnter(string type, long now)
    {
        lock (_lock) return _caps[type].TryAdmit(now);
    }

    public void Leave(string type)
    {
        lock (_lock) _caps[type].Release();
    }

    /// <summary>What this silo holds and wants of a capped type, given how many wait for it; null when it has nothing to sync.</summary>
    public CapRequest? RequestFor(string type, string silo, int waiting)
    {
        lock (_lock) return _caps[type] is var cap && !cap.IsIdle(waiting) ? cap.Request(silo, waiting) : null;
    }

    /// <summary>The cap grain's answer. The pools must then reconsider what waits at the gate.</summary>
    public void Apply(string type, CapGrant grant)
    {
        lock (_lock) _caps[type].Apply(grant, _time.GetTimestamp(), _time.TimestampFrequency);
    }

    /// <summary>Slots of a capped type leased by this silo.</summary>
    public int SlotsOf(string type)
    {
        lock (_lock) return _caps[type].Slots;
    }
}
