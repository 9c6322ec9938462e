namespace Surge.Routing;

/// <summary>How classifier grains pick a pool (<c>Surge:Routing</c>).</summary>
public sealed class RoutingOptions
{
    public const string Section = "Surge:Routing";
    public const double DefaultShortThresholdMs = 50;

    /// <summary>Default <see cref="RoutingMode.Predicted"/>.</summary>
    public RoutingMode Mode { get; set; } = RoutingMode.Predicted;

    /// <summary>A task predicted to run less than this goes to the short pool. Default 50 ms; above 0, at most 3,600,000.</summary>
    public double ShortThresholdMs { get; set; } = DefaultShortThresholdMs;

    /// <summary>For <see cref="RoutingMode.Type"/>: task type (or a simulated task's kind) to pool name, <c>short</c> or <c>long</c>.</summary>
    public Dictionary<string, string> TypePools { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Pool of a type not in <see cref="TypePools"/>, and of a type the predictor does not know yet. Default <c>long</c>.</summary>
    public string DefaultPool { get; set; } = PoolNames.Long;
}

public enum RoutingMode
{
    /// <summary>By the predictor's duration against <see cref="RoutingOptions.ShortThresholdMs"/>.</summary>
    Predicted,
    /// <summary>By a static table, <see cref="RoutingOptions.TypePools"/>.</summary>
    Type,
    /// <summary>One FIFO pool with every slot: the baseline a plain queue gives.</summary>
    Single,
    /// <summary>Benchmarks only: by the simulate payload's true duration. Never for real work.</summary>
    Oracle,
}

/// <summary>The pools a silo runs.</summary>
public static class PoolNames
{
    public const string Short = "short";
    public const string Long = "long";
    public const string Single = "single";
}
