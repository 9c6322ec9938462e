namespace Surge.Caps;

/// <summary>
/// Who holds how many slots of one cap, and what each silo may hold next. Pure: timestamps are passed in.
/// The sum of holdings never exceeds the cap, except by slots already running when a failover found them.
/// </summary>
internal sealed class CapLedger(int cap, long leaseTicks)
{
    private readonly Dictionary<string, (int Held, int Wanted, long Until)> _silos = new(StringComparer.Ordinal);

    public int Held => _silos.Values.Sum(s => s.Held);

    /// <summary>The slots <paramref name="request"/>'s silo holds from now; with <paramref name="adoptOnly"/> (after a failover) it keeps at most what it reports.</summary>
    public int Sync(CapRequest request, long now, bool adoptOnly)
    {
        foreach (var (silo, lease) in _silos.ToList())
            if (lease.Until < now) _silos.Remove(silo); // a silo that stopped syncing (gone): its slots return

        var free = (int)Math.Clamp(cap - _silos.Where(s => s.Key != request.Silo).Sum(s => (long)s.Value.Held), 0, int.MaxValue);
        int target;
        if (adoptOnly) target = request.Held;
        else
        {
            // Others waiting for slots: nobody grows past an even share, and surplus comes back as tasks finish.
            var contenders = 1 + _silos.Count(s => s.Key != request.Silo && s.Value.Wanted > s.Value.Held);
            target = contenders > 1 ? Math.Min(request.Wanted, (int)(((long)cap + contenders - 1) / contenders)) : request.Wanted;
        }
        // Within the cap, and never below the slots its tasks run in (those are never taken back).
        var slots = Math.Max(request.InUse, Math.Min(target, free));
        // A shrink frees slots only once the silo has heard of it: until its next sync (whose Held says so) it may
        // still admit tasks into the slots it held when it asked, and InUse above is already out of date by then.
        _silos[request.Silo] = (Math.Max(slots, request.Held), Math.Min(request.Wanted, cap), now + leaseTicks);
        return slots;
    }

    /// <summary>Silos other than <paramref name="silo"/> that want slots or starts.</summary>
    public int OthersWanting(string silo) => _silos.Count(s => s.Key != silo && s.Value.Wanted > 0);
}
