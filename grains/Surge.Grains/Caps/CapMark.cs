namespace Surge.Caps;

/// <summary>
/// The cap grain's stored "in use" mark and what it lets a sync hand out. Pure: times are passed in.
/// </summary>
/// <remarks>
/// A new activation (after a failover) that finds the mark younger than a lease plus <see cref="Every"/> first waits a
/// lease, adopting what silos report they hold, before it grants; one that finds it older grants at once. So every
/// lease handed out must end within a lease plus <see cref="Every"/> of the stored mark, or a failover could hand its
/// slots out twice. A fresh mark (stored within <see cref="Every"/>) covers a full lease. A stale one, while the
/// store refuses writes, covers less: the sync then grants no new slot and no token, and renews what silos hold only
/// for what the mark still covers, down to nothing. The window includes <see cref="Every"/> because the mark is stored
/// at most that often: a slot granted just before the next write, and a failover just after, would otherwise outlive
/// the rebuild.
/// </remarks>
internal sealed class CapMark(TimeSpan lease, DateTimeOffset stored)
{
    /// <summary>How often the mark is stored while the cap is in use, and how often a refused write is tried again.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    private DateTimeOffset _tried = DateTimeOffset.MinValue;

    /// <summary>The mark as stored: what a new activation would read.</summary>
    public DateTimeOffset Stored { get; private set; } = stored;

    /// <summary>Whether an activation that read this mark must first adopt what silos hold: a lease from before may still run.</summary>
    public bool MustRebuild(DateTimeOffset now) => now < Covers;

    /// <summary>Whether to store the mark again at <paramref name="now"/>; call <see cref="Trying"/> before, <see cref="Wrote"/> once stored.</summary>
    public bool Due(DateTimeOffset now) => now - Stored > Every && now - _tried >= Every;

    public void Trying(DateTimeOffset now) => _tried = now;

    public void Wrote(DateTimeOffset mark) => Stored = mark > Stored ? mark : Stored;

    /// <summary>What a sync at <paramref name="now"/> may hand out.</summary>
    public CapAllowance Allow(DateTimeOffset now)
    {
        if (now - Stored <= Every) return new CapAllowance(true, lease);
        var left = Covers - now;
        return new CapAllowance(false, left <= TimeSpan.Zero ? TimeSpan.Zero : left < lease ? left : lease);
    }

    // Until when a new activation would rebuild: a lease that ends by then cannot be handed out twice.
    private DateTimeOffset Covers => Stored + lease + Every;
}

/// <param name="Grants">Whether the sync may grant new slots and tokens; if not, it only keeps what silos hold.</param>
/// <param name="Lease">The longest lease it may hand out (zero: a silo may start nothing on it).</param>
internal readonly record struct CapAllowance(bool Grants, TimeSpan Lease);
