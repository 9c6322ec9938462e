using Microsoft.Extensions.Options;

namespace Surge.Pools;

/// <summary>How a stopping silo lets go of its work (<c>Surge:Drain</c>).</summary>
public sealed class DrainOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Drain";

    /// <summary>
    /// How long a stopping silo (SIGTERM) may take to exit: running tasks get two thirds of it (at least all but 10 s)
    /// to finish and report, Orleans the rest to leave the cluster. Queued work is handed to the other silos at once
    /// in cluster mode. Default 30 s; 0 to 1 hour. Kubernetes' terminationGracePeriodSeconds must exceed it.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

internal sealed class DrainOptionsValidator : IValidateOptions<DrainOptions>
{
    public ValidateOptionsResult Validate(string? name, DrainOptions options)
        => options.Timeout >= TimeSpan.Zero && options.Timeout <= TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{DrainOptions.Section}:Timeout is {options.Timeout}; set 00:00:00 to 01:00:00 (default 00:00:30).");
}
