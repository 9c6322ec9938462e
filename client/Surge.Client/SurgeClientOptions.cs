using Microsoft.Extensions.Options;

namespace Surge.Client;

/// <summary>How the client reaches the cluster and rides out transient faults (<c>Surge:Client</c>).</summary>
public sealed class SurgeClientOptions
{
    public const string Section = "Surge:Client";

    /// <summary>Gateways as <c>host:port</c>. Default: the local silo's gateway, <c>127.0.0.1:30000</c>.</summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>Retries of a call that failed for a transient reason (gateway down, timeout). Default 4; 0 to 20.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First retry delay, doubled each time, with jitter. Default 200 ms; 1 ms to 1 min.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest single wait call; longer waits loop. Default 20 s, under Orleans' 30 s response timeout; 1 s to 25 s.</summary>
    public TimeSpan WaitSlice { get; set; } = TimeSpan.FromSeconds(20);
}

internal sealed class SurgeClientOptionsValidator : IValidateOptions<SurgeClientOptions>
{
    public ValidateOptionsResult Validate(string? name, SurgeClientOptions o)
    {
        var failures = new List<string>();
        foreach (var gateway in o.Gateways)
        {
            if (!GatewayAddress.TryParse(gateway, out _, out var error))
                failures.Add($"{SurgeClientOptions.Section}:Gateways has '{gateway}': {error}");
        }
        if (o.MaxRetries is < 0 or > 20) failures.Add($"{SurgeClientOptions.Section}:MaxRetries is {o.MaxRetries}; set 0 to 20 (default 4).");
        if (o.RetryDelay < TimeSpan.FromMilliseconds(1) || o.RetryDelay > TimeSpan.FromMinutes(1))
            failures.Add($"{SurgeClientOptions.Section}:RetryDelay is {o.RetryDelay}; set 00:00:00.001 to 00:01:00 (default 00:00:00.200).");
        if (o.WaitSlice < TimeSpan.FromSeconds(1) || o.WaitSlice > TimeSpan.FromSeconds(25))
            failures.Add($"{SurgeClientOptions.Section}:WaitSlice is {o.WaitSlice}; set 00:00:01 to 00:00:25 (default 00:00:20).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
