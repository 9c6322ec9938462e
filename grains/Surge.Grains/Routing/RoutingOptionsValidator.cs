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
        if (!IsPool(options.DefaultPool))
            failures.Add($"{RoutingOptions.Section}:DefaultPool is '{options.DefaultPool}'; set short or long.");
        foreach (var (type, pool) in options.TypePools)
        {
            if (!IsPool(pool))
                failures.Add($"{RoutingOptions.Section}:TypePools:{type} is '{pool}'; set short or long.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsPool(string? pool) => pool is PoolNames.Short or PoolNames.Long;
}
