using Microsoft.Extensions.Options;

namespace Surge.Client;

/// <summary>How the client reaches the cluster and rides out transient faults (<c>Surge:Client</c>).</summary>
public sealed class SurgeClientOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Client";

    /// <summary>Gateways as <c>host:port</c>. Default: the local silo's gateway, <c>127.0.0.1:30000</c>.</summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>Default of <see cref="MaxRetries"/>.</summary>
    public const int DefaultMaxRetries = 4;

    /// <summary>Default of <see cref="RetryDelay"/>.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Default of <see cref="WaitSlice"/>.</summary>
    public static readonly TimeSpan DefaultWaitSlice = TimeSpan.FromSeconds(5);

    /// <summary>Default of <see cref="FailoverTimeout"/>.</summary>
    public static readonly TimeSpan DefaultFailoverTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Default of <see cref="ConnectTimeout"/>.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How much longer than a call's own bound (<see cref="WaitSlice"/>) the client waits for its answer before it asks
    /// again: a call parked on a silo that died gets no answer at all, and Orleans' default 30 s would be waited out.
    /// </summary>
    public static readonly TimeSpan ResponseMargin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the client reads which gateways are alive (Orleans' <c>GatewayOptions.GatewayListRefreshPeriod</c>,
    /// a minute by default): a silo declared dead while it hangs, its connections still open, is dropped this soon.
    /// </summary>
    public static readonly TimeSpan GatewayListRefresh = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Retries of a call the store refused (<see cref="SurgeStoreUnavailableException"/>: Redis is away); then the call
    /// throws <see cref="SurgeUnavailableException"/>. Default 4; 0 to 20.
    /// </summary>
    public int MaxRetries { get; set; } = DefaultMaxRetries;

    /// <summary>First retry delay, doubled each time, with jitter. Default 200 ms; 1 ms to 1 min.</summary>
    public TimeSpan RetryDelay { get; set; } = DefaultRetryDelay;

    /// <summary>
    /// Longest single wait call; longer waits loop. The client's Orleans response timeout is this plus
    /// <see cref="ResponseMargin"/>, so a wait parked on a silo that died is asked again after that long. Default 5 s; 1 s to 25 s.
    /// </summary>
    public TimeSpan WaitSlice { get; set; } = DefaultWaitSlice;

    /// <summary>
    /// How long a call keeps trying while a silo, gateway or connection fails (a silo died and its shards are moving)
    /// before it throws <see cref="SurgeUnavailableException"/>. Default 60 s; 1 s to 10 min.
    /// </summary>
    public TimeSpan FailoverTimeout { get; set; } = DefaultFailoverTimeout;

    /// <summary>
    /// How long an Orleans client set up by <c>AddSurgeClient</c> keeps trying to connect as it starts (a cluster still
    /// coming up), before its start fails with <see cref="SurgeUnavailableException"/> saying what to check. Default
    /// 60 s (the <c>surge</c> CLI: 30 s); 1 s to 1 h.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = DefaultConnectTimeout;

    /// <summary>
    /// Mutual TLS to the gateways (<c>Surge:Client:Tls</c>): this client's certificate and the CA that signs the silos'.
    /// Needed when the silos have <c>Surge:Tls</c>: a gateway with TLS refuses a client without a trusted certificate.
    /// </summary>
    public Security.SurgeTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// An API key, sent with every call; silos map it to a role (<c>Surge:Security:Clients</c>). Without one, a client
    /// with a certificate is known by the certificate's subject.
    /// </summary>
    public string? ApiKey { get; set; }
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
        // Above the shard's own ceiling a slice would be cut short on the silo anyway.
        if (o.WaitSlice < TimeSpan.FromSeconds(1) || o.WaitSlice > TaskShards.MaxWait)
            failures.Add($"{SurgeClientOptions.Section}:WaitSlice is {o.WaitSlice}; set 00:00:01 to {TaskShards.MaxWait:c} (default 00:00:05).");
        failures.AddRange(o.Tls.Problems(Security.SurgeTlsOptions.ClientSection));
        if (o.FailoverTimeout < TimeSpan.FromSeconds(1) || o.FailoverTimeout > TimeSpan.FromMinutes(10))
            failures.Add($"{SurgeClientOptions.Section}:FailoverTimeout is {o.FailoverTimeout}; set 00:00:01 to 00:10:00 (default 00:01:00).");
        if (o.ConnectTimeout < TimeSpan.FromSeconds(1) || o.ConnectTimeout > TimeSpan.FromHours(1))
            failures.Add($"{SurgeClientOptions.Section}:ConnectTimeout is {o.ConnectTimeout}; set 00:00:01 to 01:00:00 (default 00:01:00).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
