namespace Surge.Routing;

/// <summary>How classifier grains pick a pool (<c>Surge:Routing</c>).</summary>
public sealed class RoutingOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Routing";

    /// <summary>Default of <see cref="ShortThresholdMs"/>.</summary>
    public const double DefaultShortThresholdMs = 50;

    /// <summary>Default <see cref="RoutingMode.Predicted"/>.</summary>
    public RoutingMode Mode { get; set; } = RoutingMode.Predicted;

    /// <summary>A task predicted to run less than this goes to the short pool. Default 50 ms; above 0, at most 3,600,000.</summary>
    public double ShortThresholdMs { get; set; } = DefaultShortThresholdMs;

    /// <summary>For <see cref="RoutingMode.Type"/>: task type (or a simulated task's kind) to pool, <c>short</c> or <c>long</c>.</summary>
    public Dictionary<string, PoolKind> TypePools { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Pool of a type not in <see cref="TypePools"/>, and of a type the predictor does not know yet. Default <c>long</c>.</summary>
    public PoolKind DefaultPool { get; set; } = PoolKind.Long;

    /// <summary>
    /// How a shard hands ready tasks to the pools. Default <see cref="DispatchPath.Grains"/>; <see cref="DispatchPath.InProcess"/>
    /// exists so <c>bench throughput</c> can measure what the two grain hops cost.
    /// </summary>
    public DispatchPath Path { get; set; } = DispatchPath.Grains;
}

/// <summary>How a shard hands ready tasks to the pools.</summary>
public enum DispatchPath
{
    /// <summary>Shard → classifier grain → pool grain, each a stateless worker on the shard's silo, in batches.</summary>
    Grains,

    /// <summary>The same classifier and pools called as plain services in-process: the baseline the grain path is measured against.</summary>
    InProcess,
}
