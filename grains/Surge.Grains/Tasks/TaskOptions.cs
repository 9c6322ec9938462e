using Microsoft.Extensions.Options;

namespace Surge.Tasks;

/// <summary>How long task records are kept (<c>Surge:Tasks</c>).</summary>
public sealed class TaskOptions
{
    public const string Section = "Surge:Tasks";
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a final task's record (status, result) is kept; also how long its id stays an idempotency key.
    /// Default 1 day, like Celery's result_expires and Hangfire's job expiration; 1 s to 365 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = DefaultRetention;
}

internal sealed class TaskOptionsValidator : IValidateOptions<TaskOptions>
{
    public ValidateOptionsResult Validate(string? name, TaskOptions options)
        => options.Retention >= TimeSpan.FromSeconds(1) && options.Retention <= TimeSpan.FromDays(365)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{TaskOptions.Section}:Retention is {options.Retention}; set 00:00:01 to 365.00:00:00 (default 1.00:00:00).");
}
