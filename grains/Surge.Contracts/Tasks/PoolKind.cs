namespace Surge;

/// <summary>The worker pools a silo runs. On the wire as a number; <see cref="PoolKinds.Name(PoolKind)"/> is its lower-case name.</summary>
public enum PoolKind
{
    /// <summary>Short tasks: slots reserved for them, and idle long slots they may borrow.</summary>
    Short = 1,

    /// <summary>Long tasks: never borrow, never wait behind short ones.</summary>
    Long = 2,

    /// <summary>One FIFO pool with every slot (<see cref="RoutingMode.Single"/>): the baseline a plain queue gives.</summary>
    Single = 3,
}

/// <summary>How classifier grains pick a pool (<c>Surge:Routing:Mode</c>).</summary>
public enum RoutingMode
{
    /// <summary>By the predictor's duration against the short threshold.</summary>
    Predicted,

    /// <summary>By a static table from task type to pool.</summary>
    Type,

    /// <summary>One FIFO pool with every slot: the baseline a plain queue gives.</summary>
    Single,

    /// <summary>Benchmarks only: by the simulate payload's true duration. Never for real work.</summary>
    Oracle,
}

/// <summary>Names of pools and routing modes as people read them, and parsing them back.</summary>
public static class PoolKinds
{
    /// <summary>The lower-case name metrics, pages and the CLI show: interned, so a metric tag allocates nothing.</summary>
    public static string Name(this PoolKind kind) => kind switch
    {
        PoolKind.Short => "short",
        PoolKind.Long => "long",
        PoolKind.Single => "single",
        _ => kind.ToString(),
    };

    /// <summary>Parses a pool's name or number, ignoring case; false for anything that is not a defined pool.</summary>
    public static bool TryParse(string? text, out PoolKind kind)
        => Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind);

    /// <summary>The lower-case name of a routing mode.</summary>
    public static string Name(this RoutingMode mode) => mode switch
    {
        RoutingMode.Predicted => "predicted",
        RoutingMode.Type => "type",
        RoutingMode.Single => "single",
        RoutingMode.Oracle => "oracle",
        _ => mode.ToString(),
    };
}
