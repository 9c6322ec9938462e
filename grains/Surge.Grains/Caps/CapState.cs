using Surge.Policies;

namespace Surge.Caps;

/// <summary>
/// This silo's share of one capped type: the slots it leases and the start tokens it holds. Not thread-safe:
/// <see cref="CapGate"/> guards it. Tasks waiting for a slot wait at the pools' gate, outside the pools' queues, so a
/// storm of a capped type never stands in front of other types.
/// </summary>
internal sealed class CapState(TaskPolicy policy)
{
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(1);

    public int Slots { get; private set; }
    public int InUse { get; private set; }
    public int Tokens { get; private set; }
    private long _leaseUntil;

    public bool IsIdle(int waiting) => Slots == 0 && InUse == 0 && waiting == 0;

    /// <summary>Takes a slot and a token for a task if both are at hand; a task only starts with them.</summary>
    public bool TryAdmit(long now)
    {
        if (policy.MaxRunning is not null && (InUse >= Slots || now >= _leaseUntil)) return false;
        if (policy.MaxStartsPerSecond is not null && Tokens == 0) return false;
        InUse++;
        if (policy.MaxStartsPerSecond is not null) Tokens--;
        return true;
    }

    public void Release() => InUse--;

    public CapRequest Request(string silo, int waiting)
        => new(silo, Slots, InUse, (int)Math.Min((long)InUse + waiting, policy.MaxRunning ?? int.MaxValue),
            policy.MaxStartsPerSecond is null ? 0 : Math.Max(0, waiting - Tokens));

    // The lease is trusted for a second less than granted, so this silo stops starting before the grain reclaims.
    public void Apply(CapGrant grant, long now, long timestampFrequency)
    {
        Slots = grant.Slots;
        Tokens += grant.Tokens;
        _leaseUntil = now + (long)((grant.Lease - LeaseMargin).TotalSeconds * timestampFrequency);
    }
}
