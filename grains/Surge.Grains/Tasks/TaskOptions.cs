using Microsoft.Extensions.Options;

namespace Surge.Tasks;

/// <summary>How long task records are kept, and the bounds every task lives within (<c>Surge:Tasks</c>).</summary>
public sealed class TaskOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Tasks";

    /// <summary>Default of <see cref="Retention"/>.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(1);

    /// <summary>Default of <see cref="MaxTimeout"/>.</summary>
    public static readonly TimeSpan DefaultMaxTimeout = TimeSpan.FromDays(7);

    /// <summary>Default of <see cref="MaxResultBytes"/>.</summary>
    public const int DefaultMaxResultBytes = 1024 * 1024;

    /// <summary>Default of <see cref="MaxCrashRecoveries"/>.</summary>
    public const int DefaultMaxCrashRecoveries = 3;

    /// <summary>
    /// How long a final task's record (status, result) is kept; also how long its id stays an idempotency key.
    /// Default 1 day, like Celery's result_expires and Hangfire's job expiration; 1 s to 365 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = DefaultRetention;

    /// <summary>
    /// Longest soft or hard time limit a task may have (a submission's timeout, a policy's limits). Default 7 days;
    /// 1 s to 30 days (timers cannot wait longer than about 49 days).
    /// </summary>
    public TimeSpan MaxTimeout { get; set; } = DefaultMaxTimeout;

    /// <summary>Largest result a handler may return; a bigger one fails its task with that reason. Default 1 MiB; 1 byte to 16 MiB.</summary>
    public int MaxResultBytes { get; set; } = DefaultMaxResultBytes;

    /// <summary>
    /// How often a task may be started again because its silo stopped while it was queued or running, beyond its
    /// attempts. Past it the task is dead-lettered as poison. Default 3; 0 to 100.
    /// </summary>
    public int MaxCrashRecoveries { get; set; } = DefaultMaxCrashRecoveries;
}

internal sealed class TaskOptionsValidator(IOptions<Workers.WorkerOptions>? workers = null) : IValidateOptions<TaskOptions>
{
    public ValidateOptionsResult Validate(string? name, TaskOptions options)
    {
        var failures = new List<string>();
        if (options.Retention < TimeSpan.FromSeconds(1) || options.Retention > TimeSpan.FromDays(365))
            failures.Add($"{TaskOptions.Section}:Retention is {options.Retention}; set 00:00:01 to 365.00:00:00 (default 1.00:00:00).");
        if (options.MaxTimeout < TimeSpan.FromSeconds(1) || options.MaxTimeout > TimeSpan.FromDays(30))
            failures.Add($"{TaskOptions.Section}:MaxTimeout is {options.MaxTimeout}; set 00:00:01 to 30.00:00:00 (default 7.00:00:00).");
        else if (workers?.Value is { } w && w.DefaultTimeout > options.MaxTimeout)
            failures.Add($"{Workers.WorkerOptions.Section}:DefaultTimeout is {w.DefaultTimeout}, over {TaskOptions.Section}:MaxTimeout ({options.MaxTimeout}); lower it (default 01:00:00) or raise {TaskOptions.Section}:MaxTimeout (at most 30.00:00:00).");
        if (options.MaxResultBytes is < 1 or > 16 * 1024 * 1024)
            failures.Add($"{TaskOptions.Section}:MaxResultBytes is {options.MaxResultBytes}; set 1 to 16777216 (default 1048576).");
        if (options.MaxCrashRecoveries is < 0 or > 100)
            failures.Add($"{TaskOptions.Section}:MaxCrashRecoveries is {options.MaxCrashRecoveries}; set 0 to 100 (default 3).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
