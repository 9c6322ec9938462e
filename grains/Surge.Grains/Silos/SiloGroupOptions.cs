namespace Surge.Silos;

/// <summary>
/// Which silo group this silo belongs to and which pools it hosts (<c>Surge:Silo</c>). Groups let short, restartable
/// work run on cheap interruptible (spot) pods and long work on on-demand pods, each group scaled on its own. With the
/// defaults there is one group, <c>default</c>, hosting every pool: Surge as it was before groups.
/// </summary>
public sealed class SiloGroupOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Silo";

    /// <summary>The name of the single group when none is configured.</summary>
    public const string DefaultGroup = "default";

    /// <summary>
    /// This silo's group: lowercase letters, digits and '-', at most 40 characters (it names a StatefulSet and a
    /// metric label). Default <c>default</c>.
    /// </summary>
    public string Group { get; set; } = DefaultGroup;

    /// <summary>The pools this silo hosts. Empty (the default): every pool.</summary>
    public List<PoolKind> Pools { get; set; } = [];

    /// <summary>
    /// The group's pods may be reclaimed at short notice (spot instances): on SIGTERM the silo drains within the
    /// notice, and its running tasks are re-queued as a crash recovery, not a failure. Default false.
    /// </summary>
    public bool Interruptible { get; set; }

    /// <summary>Default of <see cref="ReclaimNotice"/>: under the two minutes' notice a spot reclaim gives.</summary>
    public static readonly TimeSpan DefaultReclaimNotice = TimeSpan.FromSeconds(110);

    /// <summary>
    /// How long an <see cref="Interruptible"/> silo may take to stop after SIGTERM: its drain timeout, in place of
    /// <c>Surge:Drain:Timeout</c>. Default 110 s, within the two minutes AWS gives a spot instance; 1 s to 10 minutes.
    /// </summary>
    public TimeSpan ReclaimNotice { get; set; } = DefaultReclaimNotice;

    /// <summary>How long this silo's stop may take: its <see cref="ReclaimNotice"/> when interruptible, else <paramref name="drainTimeout"/> (<c>Surge:Drain:Timeout</c>).</summary>
    public TimeSpan StopTimeout(TimeSpan drainTimeout) => Interruptible ? ReclaimNotice : drainTimeout;

    /// <summary>True when this silo hosts <paramref name="pool"/>.</summary>
    public bool Hosts(PoolKind pool) => Pools.Count == 0 || Pools.Contains(pool);
}
