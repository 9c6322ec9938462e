using Microsoft.Extensions.Options;

namespace Surge.Policies;

internal sealed class TaskPoliciesOptionsValidator : IValidateOptions<TaskPoliciesOptions>
{
    public ValidateOptionsResult Validate(string? name, TaskPoliciesOptions options)
    {
        var failures = new List<string>();
        Check($"{TaskPoliciesOptions.Section}:Default", options.Default, failures);
        if (options.Default.IsCapped)
            failures.Add($"{TaskPoliciesOptions.Section}:Default sets MaxRunning or MaxStartsPerSecond; caps are per type: set them under {TaskPoliciesOptions.Section}:Types:<type>.");
        foreach (var (type, policy) in options.Types)
        {
            if (string.IsNullOrWhiteSpace(type)) failures.Add($"{TaskPoliciesOptions.Section}:Types has an empty type name; name the task type.");
            Check($"{TaskPoliciesOptions.Section}:Types:{type}", policy, failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string at, TaskPolicy p, List<string> failures)
    {
        if (p.MaxAttempts is < 1 or > 100) failures.Add($"{at}:MaxAttempts is {p.MaxAttempts}; set 1 (no retry) to 100.");
        if (p.BackoffBase < TimeSpan.Zero || p.BackoffBase > TimeSpan.FromHours(1)) failures.Add($"{at}:BackoffBase is {p.BackoffBase}; set 00:00:00 to 01:00:00 (default 00:00:01).");
        if (p.BackoffMax < p.BackoffBase || p.BackoffMax > TimeSpan.FromDays(1)) failures.Add($"{at}:BackoffMax is {p.BackoffMax}; set BackoffBase ({p.BackoffBase}) to 1.00:00:00 (default 00:05:00).");
        if (p.Jitter is < 0 or > 1 || double.IsNaN(p.Jitter)) failures.Add($"{at}:Jitter is {p.Jitter}; set 0 to 1 (default 0.2).");
        if (p.SoftTimeLimit is { } soft && (soft <= TimeSpan.Zero || soft > TimeSpan.FromDays(7))) failures.Add($"{at}:SoftTimeLimit is {soft}; set above 0 and at most 7.00:00:00, or leave it unset.");
        if (p.HardLimitGrace < TimeSpan.Zero || p.HardLimitGrace > TimeSpan.FromHours(1)) failures.Add($"{at}:HardLimitGrace is {p.HardLimitGrace}; set 00:00:00 to 01:00:00 (default 00:00:10).");
        if (p.MaxRunning is { } n && n is < 1 or > 100_000) failures.Add($"{at}:MaxRunning is {n}; set 1 to 100000, or leave it unset for no cap.");
        if (p.MaxStartsPerSecond is { } r && (!(r > 0) || r > 1_000_000)) failures.Add($"{at}:MaxStartsPerSecond is {r}; set above 0 and at most 1000000, or leave it unset.");
        if (p.CacheTtl < TimeSpan.FromSeconds(1) || p.CacheTtl > TimeSpan.FromDays(30)) failures.Add($"{at}:CacheTtl is {p.CacheTtl}; set 00:00:01 to 30.00:00:00 (default 01:00:00).");
        if (p.Version is { } v && string.IsNullOrWhiteSpace(v)) failures.Add($"{at}:Version is empty; set a version such as '2' or leave it unset.");
        if (p.NonRetryableErrors.Any(string.IsNullOrWhiteSpace)) failures.Add($"{at}:NonRetryableErrors has an empty entry; list exception type names such as 'ArgumentException'.");
    }
}
