using Microsoft.Extensions.Options;

namespace Surge.Hosting;

/// <summary>Where this silo listens (<c>Surge:Ports</c>): change all three to run several silos on one machine.</summary>
public sealed class PortOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Ports";

    /// <summary>Default of <see cref="Silo"/>: Orleans' own default.</summary>
    public const int DefaultSilo = 11111;

    /// <summary>Default of <see cref="Gateway"/>: Orleans' own default, and where clients look without configuration.</summary>
    public const int DefaultGateway = 30000;

    /// <summary>Default of <see cref="Http"/>.</summary>
    public const int DefaultHttp = 8080;

    /// <summary>Silo-to-silo port. Default 11111; 1 to 65535.</summary>
    public int Silo { get; set; } = DefaultSilo;

    /// <summary>Port clients connect to. Default 30000; 1 to 65535.</summary>
    public int Gateway { get; set; } = DefaultGateway;

    /// <summary>HTTP port for health and dashboards; 0 turns HTTP off. Default 8080; 0 to 65535.</summary>
    public int Http { get; set; } = DefaultHttp;

    /// <summary>
    /// Silo port of the first silo, which the others join on localhost clustering. Default: this silo's own
    /// <see cref="Silo"/> port, so a single silo on custom ports is its own primary instead of waiting for one on 11111;
    /// set it on every other silo of a cluster on one machine.
    /// </summary>
    public int? PrimarySilo { get; set; }

    /// <summary>The primary's silo port: <see cref="PrimarySilo"/> when set, else this silo's own.</summary>
    public int PrimarySiloPort => PrimarySilo ?? Silo;

    /// <summary>
    /// Silo-to-silo port the other silos are told to connect to (in the membership table), when something between
    /// them forwards it to <see cref="Silo"/>: a NAT, or the chaos benchmark's cuttable proxy. Default: <see cref="Silo"/>;
    /// cluster mode only.
    /// </summary>
    public int? AdvertisedSilo { get; set; }

    /// <summary>The advertised silo port: <see cref="AdvertisedSilo"/> when set, else <see cref="Silo"/>.</summary>
    public int AdvertisedSiloPort => AdvertisedSilo ?? Silo;
}

/// <summary>Which cluster this silo belongs to (<c>Surge:Cluster</c>).</summary>
public sealed class ClusterOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Cluster";

    /// <summary>Silos with the same cluster id form one cluster. Default <c>surge</c>.</summary>
    public string ClusterId { get; set; } = "surge";

    /// <summary>Stable across deployments: storage keys include it. Default <c>surge</c>.</summary>
    public string ServiceId { get; set; } = "surge";
}

internal sealed class HostOptionsValidator : IValidateOptions<PortOptions>, IValidateOptions<ClusterOptions>, IValidateOptions<Redis.RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, Redis.RedisOptions o)
        => o.StartupTimeout < TimeSpan.Zero || o.StartupTimeout > TimeSpan.FromHours(1)
            ? ValidateOptionsResult.Fail($"{Redis.RedisOptions.Section}:StartupTimeout is {o.StartupTimeout}; set 00:00:00 (give up at once) to 01:00:00, such as 00:05:00.")
            : ValidateOptionsResult.Success;

    public ValidateOptionsResult Validate(string? name, PortOptions o)
    {
        var failures = new List<string>();
        Port("Silo", o.Silo, 1, failures);
        Port("Gateway", o.Gateway, 1, failures);
        Port("Http", o.Http, 0, failures);
        if (o.PrimarySilo is { } primary) Port("PrimarySilo", primary, 1, failures);
        if (o.AdvertisedSilo is { } advertised)
        {
            Port("AdvertisedSilo", advertised, 1, failures);
            if (advertised == o.Gateway || (o.Http != 0 && advertised == o.Http))
                failures.Add($"{PortOptions.Section}:AdvertisedSilo ({advertised}) is this silo's Gateway or Http port; other silos would connect there. Set the port that forwards to Silo ({o.Silo}), or remove it.");
        }
        if (o.Silo == o.Gateway || (o.Http != 0 && (o.Http == o.Silo || o.Http == o.Gateway)))
            failures.Add($"{PortOptions.Section}: Silo ({o.Silo}), Gateway ({o.Gateway}) and Http ({o.Http}) must differ; give each its own port.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, ClusterOptions o)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(o.ClusterId)) failures.Add($"{ClusterOptions.Section}:ClusterId is empty; set a name such as 'surge'.");
        if (string.IsNullOrWhiteSpace(o.ServiceId)) failures.Add($"{ClusterOptions.Section}:ServiceId is empty; set a name such as 'surge'.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Port(string key, int value, int min, List<string> failures)
    {
        if (value < min || value > 65535)
            failures.Add($"{PortOptions.Section}:{key} is {value}; set {min} to 65535.");
    }
}
