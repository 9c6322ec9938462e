namespace Surge;

/// <summary>
/// Whether shards and entities run again what they find unfinished when they activate. On in cluster mode, where an
/// activation can outlive the silo that ran its work; off in one process, where records and executor die together.
/// </summary>
public sealed class RecoveryOptions
{
    /// <summary>
    /// Whether an activating shard or entity runs again the work its records show unfinished. Default false; the
    /// cluster-mode host sets it, since only there can records outlive the silo that ran them.
    /// </summary>
    public bool RedispatchOnActivation { get; init; }

    /// <summary>
    /// How often a shard writes what its store missed and wakes entities that still owe an event. Default 5 s; with
    /// membership's failure detection it bounds how long a dead silo's entity events wait.
    /// </summary>
    public TimeSpan UpkeepPeriod { get; init; } = TimeSpan.FromSeconds(5);
}
