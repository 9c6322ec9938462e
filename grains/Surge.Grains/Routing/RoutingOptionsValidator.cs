using Microsoft.Extensions.Options;

namespace Surge.Routing;

internal sealed class RoutingOptionsValidator : IValidateOptions<RoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Mode))
            failures.Add($"{RoutingOptions.Section}:Mode is {options.Mode}; set predicted, type, single or oracle.");
        if (!(options.ShortThresholdMs > 0 && options.ShortThresholdMs <= 3_600_000))
            failures.Add($"{RoutingOptions.Section}:ShortThresholdMs is {options.ShortThresholdMs}; set a number of milliseconds above 0, at most 3600000 (default 50).");
        if (!IsSplitPool(options.DefaultPool))
            failures.Add($"{RoutingOptions.Section}:DefaultPool is '{options.DefaultPool}'; set short or long.");
        foreach (var (type, pool) in options.TypePools)
        {
            if (!IsSplitPool(pool))
                failures.Add($"{RoutingOptions.Section}:TypePools:{type} is '{pool}'; set short or long.");
        }
        if (!Enum.IsDefined(options.Path))
            failures.Add($"{RoutingOptions.Section}:Path is {options.Path}; set grains or inprocess.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // The single pool exists only in single mode, where nothing is routed.
    private static bool IsSplitPool(PoolKind pool) => pool is PoolKind.Short or PoolKind.Long;
}
