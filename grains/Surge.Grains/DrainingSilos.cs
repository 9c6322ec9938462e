using System.Collections.Concurrent;

namespace Surge;

/// <summary>
/// The silos this silo has heard are draining (SIGTERM, a spot reclaim), and so which silos placement (of shards, grains
/// and pool work) may choose.
/// A draining silo takes no new work and stops within its stop timeout, yet membership lists it active until Orleans
/// stops it: a shard activated there (another silo died, or the shard is new) would move again seconds later, a second
/// outage. The draining silo tells every other silo as its drain starts (<c>IPoolControl.SiloDrainsAsync</c>), and
/// itself. One per silo; pure but for the clock, which is <see cref="TimeProvider"/>.
/// </summary>
internal sealed class DrainingSilos(TimeProvider time)
{
    /// <summary>
    /// How long past its stop timeout a draining silo is still left out when membership has not said it left: by then
    /// it has ended itself (the stop deadline is 5 s past the timeout) and membership declares it dead soon after.
    /// </summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<SiloAddress, (long HeardAt, TimeSpan Bound)> _silos = new();

    /// <summary>Whether this silo has heard of no drain it still remembers: placement may take its candidates as they are.</summary>
    public bool None => _silos.IsEmpty;

    /// <summary><paramref name="silo"/> drains, and stops within <paramref name="stopsWithin"/>.</summary>
    public void Heard(SiloAddress silo, TimeSpan stopsWithin) => _silos[silo] = (time.GetTimestamp(), stopsWithin + Margin);

    /// <summary>Whether <paramref name="silo"/> drains, as this silo heard; forgets those it need not remember.</summary>
    public bool Drains(SiloAddress silo, ClusterMembershipSnapshot membership)
    {
        if (_silos.IsEmpty) return false;
        Forget(membership);
        return _silos.ContainsKey(silo);
    }

    /// <summary>
    /// The silos of <paramref name="candidates"/> that placement may choose: those not draining, in the same order; all of
    /// them when every one drains (a shard must live somewhere). A silo's drain thus moves only the shards it would get.
    /// </summary>
    public IReadOnlyCollection<SiloAddress> Eligible(IReadOnlyCollection<SiloAddress> candidates, ClusterMembershipSnapshot membership)
    {
        if (_silos.IsEmpty) return candidates;
        Forget(membership);
        var eligible = candidates.Where(silo => !_silos.ContainsKey(silo)).ToList();
        return eligible.Count == 0 || eligible.Count == candidates.Count ? candidates : eligible;
    }

    // A silo is remembered until membership says it is leaving or left (then placement leaves it out anyway), or its
    // bound passed. One membership does not list yet (this silo's view lags) is kept until its bound.
    private void Forget(ClusterMembershipSnapshot membership)
    {
        var now = time.GetTimestamp();
        foreach (var entry in _silos)
        {
            if (membership.GetSiloStatus(entry.Key) is SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead
                || time.GetElapsedTime(entry.Value.HeardAt, now) > entry.Value.Bound)
                _silos.TryRemove(entry); // only this entry: one heard meanwhile stays
        }
    }
}
