using Microsoft.Extensions.Options;
using Surge.Policies;
using Surge.Workers;

namespace Surge.Tasks;

/// <summary>
/// Collects every problem of <c>Surge:Policies</c>, whose time limits are bounded by <c>Surge:Tasks:MaxTimeout</c>
/// and default to <c>Surge:Workers:DefaultTimeout</c>. It lives with the tasks, which apply the policies, so that
/// Policies stays below Tasks instead of reaching back up for the bounds.
/// </summary>
internal sealed class TaskPoliciesOptionsValidator(IOptions<TaskOptions> tasks, IOptions<WorkerOptions> workers) : IValidateOptions<TaskPoliciesOptions>
{
    public ValidateOptionsResult Validate(string? name, TaskPoliciesOptions options)
    {
        var failures = new List<string>();
        var limits = new TimeLimits(tasks.Value.MaxTimeout, workers.Value.DefaultTimeout);
        Check($"{TaskPoliciesOptions.Section}:Default", options.Default, limits, failures);
        if (options.Default.IsCapped)
            failures.Add($"{TaskPoliciesOptions.Section}:Default sets MaxRunning or MaxStartsPerSecond; caps are per type: set them under {TaskPoliciesOptions.Section}:Types:<type>.");
        foreach (var (type, policy) in options.Types)
        {
            if (string.IsNullOrWhiteSpace(type)) failures.Add($"{TaskPoliciesOptions.Section}:Types has an empty type name; name the task type.");
            Check($"{TaskPoliciesOptions.Section}:Types:{type}", policy, limits, failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private readonly record struct TimeLimits(TimeSpan Max, TimeSpan DefaultSoft);

    private static void Check(string at, TaskPolicy p, TimeLimits limits, List<string> failures)
    {
        if (p.MaxAttempts is < 1 or > 100) failures.Add($"{at}:MaxAttempts is {p.MaxAttempts}; set 1 (no retry) to 100.");
        if (p.BackoffBase < TimeSpan.Zero || p.BackoffBase > TimeSpan.FromHours(1)) failures.Add($"{at}:BackoffBase is {p.BackoffBase}; set 00:00:00 to 01:00:00 (default 00:00:01).");
        if (p.BackoffMax < p.BackoffBase || p.BackoffMax > TimeSpan.FromDays(1)) failures.Add($"{at}:BackoffMax is {p.BackoffMax}; set BackoffBase ({p.BackoffBase}) to 1.00:00:00 (default 00:05:00).");
        if (p.Jitter is < 0 or > 1 || double.IsNaN(p.Jitter)) failures.Add($"{at}:Jitter is {p.Jitter}; set 0 to 1 (default 0.2).");
        if (p.SoftTimeLimit is { } soft && (soft <= TimeSpan.Zero || soft > limits.Max)) failures.Add($"{at}:SoftTimeLimit is {soft}; set above 0 and at most {TaskOptions.Section}:MaxTimeout ({limits.Max}), or leave it unset.");
        if (p.HardLimitGrace < TimeSpan.Zero || p.HardLimitGrace > TimeSpan.FromHours(1)) failures.Add($"{at}:HardLimitGrace is {p.HardLimitGrace}; set 00:00:00 to 01:00:00 (default 00:00:10).");
        else CheckHardLimit(at, p, limits, failures);
        if (p.MaxRunning is { } n && n is < 1 or > 100_000) failures.Add($"{at}:MaxRunning is {n}; set 1 to 100000, or leave it unset for no cap.");
        if (p.MaxStartsPerSecond is { } r && (!(r > 0) || r > 1_000_000)) failures.Add($"{at}:MaxStartsPerSecond is {r}; set above 0 and at most 1000000, or leave it unset.");
        if (p.CacheTtl < TimeSpan.FromSeconds(1) || p.CacheTtl > TimeSpan.FromDays(30)) failures.Add($"{at}:CacheTtl is {p.CacheTtl}; set 00:00:01 to 30.00:00:00 (default 01:00:00).");
        if (p.Version is { } v && string.IsNullOrWhiteSpace(v)) failures.Add($"{at}:Version is empty; set a version such as '2' or leave it unset.");
        if (p.NonRetryableErrors.Any(string.IsNullOrWhiteSpace)) failures.Add($"{at}:NonRetryableErrors has an empty entry; list exception type names such as 'ArgumentException'.");
    }

    // The hard limit (soft + grace) is what a slot may be held for; the soft limit alone is checked above.
    private static void CheckHardLimit(string at, TaskPolicy p, TimeLimits limits, List<string> failures)
    {
        var (soft, softKey) = p.SoftTimeLimit is { } own ? (own, $"{at}:SoftTimeLimit") : (limits.DefaultSoft, $"{WorkerOptions.Section}:DefaultTimeout");
        if (soft <= TimeSpan.Zero || soft > limits.Max) return; // already reported, by this validator or the workers' one
        if (soft + p.HardLimitGrace > limits.Max)
        {
            failures.Add($"{at}: its hard limit, {softKey} ({soft}) + HardLimitGrace ({p.HardLimitGrace}) = {soft + p.HardLimitGrace}, exceeds {TaskOptions.Section}:MaxTimeout ({limits.Max}); "
                + $"lower the soft limit or HardLimitGrace, or raise {TaskOptions.Section}:MaxTimeout (at most 30.00:00:00).");
        }
    }
}
