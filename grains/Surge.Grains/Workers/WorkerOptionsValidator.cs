using Microsoft.Extensions.Options;

namespace Surge.Workers;

/// <summary>Collects every problem of <c>Surge:Workers</c> before the silo starts, each with its fix.</summary>
/// A default timeout over Surge:Tasks:MaxTimeout is checked with that section (TaskOptionsValidator).
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        var failures = new List<string>();
        if (options.MaxConcurrency is < 1 or > 10_000)
            failures.Add($"{WorkerOptions.Section}:MaxConcurrency is {options.MaxConcurrency}; set 1 to 10000 (default 8 × cores = {WorkerOptions.DefaultMaxConcurrency}).");
        if (options.DefaultTimeout <= TimeSpan.Zero)
            failures.Add($"{WorkerOptions.Section}:DefaultTimeout is {options.DefaultTimeout}; set a positive duration such as 00:10:00.");
        if (options.MaxPayloadBytes is < 1 or > 64 * 1024 * 1024)
            failures.Add($"{WorkerOptions.Section}:MaxPayloadBytes is {options.MaxPayloadBytes}; set 1 to 67108864 (default 1048576).");
        if (!(options.MemoryBudgetMb > 0) || double.IsInfinity(options.MemoryBudgetMb))
            failures.Add($"{WorkerOptions.Section}:MemoryBudgetMb is {options.MemoryBudgetMb}; set a positive number of MiB (default 70% of memory = {WorkerOptions.DefaultMemoryBudgetMb}).");
        if (options.RunLog is { } runLog && (runLog.Trim().Length == 0 || !Path.IsPathFullyQualified(runLog)))
            failures.Add($"{WorkerOptions.Section}:RunLog is '{runLog}'; set an absolute directory path, or leave it unset (default: no run log).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Collects every problem of <c>Surge:Pools</c>, whose bounds depend on <c>Surge:Workers:MaxConcurrency</c>.</summary>
internal sealed class PoolsOptionsValidator(IOptions<WorkerOptions> workers) : IValidateOptions<PoolsOptions>
{
    public ValidateOptionsResult Validate(string? name, PoolsOptions options)
    {
        var max = workers.Value.MaxConcurrency;
        var failures = new List<string>();
        Check("Short", options.Short, max, failures);
        Check("Long", options.Long, max, failures);
        if (options.Short.Initial + options.Long.Initial > max)
            failures.Add($"{PoolsOptions.Section}: Short:Initial + Long:Initial = {options.Short.Initial + options.Long.Initial} exceeds {WorkerOptions.Section}:MaxConcurrency ({max}); lower them or raise MaxConcurrency.");
        if (!(options.ShortReserveQuantile >= 0.5 && options.ShortReserveQuantile <= 1))
            failures.Add($"{PoolsOptions.Section}:ShortReserveQuantile is {options.ShortReserveQuantile}; set 0.5 to 1 (default {PoolsOptions.DefaultShortReserveQuantile}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string pool, PoolOptions o, int maxConcurrency, List<string> failures)
    {
        var key = $"{PoolsOptions.Section}:{pool}";
        var max = o.Max == 0 ? maxConcurrency : o.Max;
        if (o.Max < 0 || o.Max > maxConcurrency)
            failures.Add($"{key}:Max is {o.Max}; set 0 (= MaxConcurrency) or 1 to {maxConcurrency}.");
        if (o.Min < 1 || o.Min > max)
            failures.Add($"{key}:Min is {o.Min}; set 1 to {max} (the pool's Max).");
        if (o.Initial != 0 && (o.Initial < o.Min || o.Initial > max))
            failures.Add($"{key}:Initial is {o.Initial}; set 0 (automatic) or {o.Min} to {max}.");
    }
}
