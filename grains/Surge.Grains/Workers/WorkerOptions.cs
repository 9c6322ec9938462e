namespace Surge.Workers;

/// <summary>The silo's worker slots (<c>Surge:Workers</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Workers";

    /// <summary>Default of <see cref="MaxPayloadBytes"/>: the clients' own limit, 1 MiB.</summary>
    public const int DefaultMaxPayloadBytes = TaskValidator.DefaultMaxPayloadBytes;

    /// <summary>Default of <see cref="DefaultTimeout"/>.</summary>
    public static readonly TimeSpan DefaultTimeoutValue = TimeSpan.FromHours(1);

    /// <summary>Default for <see cref="MaxConcurrency"/>: 8 slots a core, sized for I/O-bound work.</summary>
    public static int DefaultMaxConcurrency => 8 * Environment.ProcessorCount;

    /// <summary>Total task slots of this silo across all pools. Default 8 × cores; 1 to 10,000.</summary>
    public int MaxConcurrency { get; set; } = DefaultMaxConcurrency;

    /// <summary>How long a handler runs before its token is cancelled, unless the task says otherwise. Default 1 h; above zero, at most <c>Surge:Tasks:MaxTimeout</c>.</summary>
    public TimeSpan DefaultTimeout { get; set; } = DefaultTimeoutValue;

    /// <summary>Largest payload accepted. Default 1 MiB; 1 byte to 64 MiB.</summary>
    public int MaxPayloadBytes { get; set; } = DefaultMaxPayloadBytes;

    /// <summary>Default for <see cref="MemoryBudgetMb"/>: 70% of the memory this process may use (the container's limit, else physical memory).</summary>
    public static double DefaultMemoryBudgetMb => Math.Floor(0.7 * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024.0));

    /// <summary>
    /// A task starts only while the predicted memory of the running tasks, itself included, fits this budget; a task
    /// predicted larger than the whole budget runs alone. Default 70% of the container's (or machine's) memory; above 0.
    /// </summary>
    public double MemoryBudgetMb { get; set; } = DefaultMemoryBudgetMb;

    /// <summary>
    /// Registers the built-in <c>simulate</c> handler (demos, tests, benchmarks). Unset means off, except on a silo
    /// that <c>AddSurgeSilo</c> runs on embedded defaults, which listens on loopback only and is on unless set false.
    /// Off, a <c>simulate</c> task is refused at submission as any unknown type is.
    /// </summary>
    public bool? Simulate { get; set; }

    /// <summary>
    /// A directory where this silo appends one JSON line per handler run start and end (<c>runs-&lt;pid&gt;.jsonl</c>),
    /// for fault benchmarks (<c>bench chaos</c>) that check the promises from outside. Default none (off); an absolute path.
    /// </summary>
    public string? RunLog { get; set; }
}

/// <summary>Bounds of one pool's concurrency on one silo (<c>Surge:Pools:Short</c>, <c>Surge:Pools:Long</c>).</summary>
public sealed class PoolOptions
{
    /// <summary>Lowest limit the autoscaler may set. Default 1; 1 to <see cref="Max"/>.</summary>
    public int Min { get; set; } = 1;

    /// <summary>Highest limit. Default 0, meaning <see cref="WorkerOptions.MaxConcurrency"/>; 0 or 1 to MaxConcurrency.</summary>
    public int Max { get; set; }

    /// <summary>Limit at start. Default 0, meaning automatic: short gets max(1, MaxConcurrency / 8), long the rest.</summary>
    public int Initial { get; set; }
}

/// <summary>The pools' bounds (<c>Surge:Pools</c>).</summary>
public sealed class PoolsOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Pools";

    /// <summary>Default for <see cref="ShortReserveQuantile"/>.</summary>
    public const double DefaultShortReserveQuantile = 0.99;

    /// <summary>
    /// Short tasks. Its limit is reserved capacity: long tasks never take these slots. Short tasks may also take any
    /// idle slot of the silo, except those long work waits for. With the autoscaler on, the silo sizes the reserve
    /// itself, from the short pool's bursts (<see cref="ShortReserveQuantile"/>), within Min and Max.
    /// </summary>
    public PoolOptions Short { get; set; } = new();

    /// <summary>Long tasks. With the autoscaler on, long work gets whatever the short reserve leaves, within Min and Max.</summary>
    public PoolOptions Long { get; set; } = new();

    /// <summary>
    /// With the autoscaler on: the short reserve covers this share of recent short arrivals' bursts (how many short
    /// tasks arrived within one short run time of each). Default 0.99; 0.5 to 1.
    /// </summary>
    public double ShortReserveQuantile { get; set; } = DefaultShortReserveQuantile;
}
