using Microsoft.Extensions.Configuration;
using Surge.Routing;

namespace Surge.Silos;

/// <summary>
/// What a silo tells the cluster about its group, as Orleans silo metadata (fetched by every silo when it joins): its
/// group and the pools it hosts. Shards read it to send a pool's work only to silos that host the pool.
/// </summary>
internal static class SiloGroupMetadata
{
    /// <summary>The metadata of a silo configured with <paramref name="options"/>: its pools, all of them spelled out.</summary>
    public static Dictionary<string, string> Of(SiloGroupOptions options) => new(StringComparer.Ordinal)
    {
        [PoolHosts.GroupKey] = options.Group,
        [PoolHosts.PoolsKey] = string.Join(',', Enum.GetValues<PoolKind>().Where(options.Hosts).Select(p => p.Name())),
    };

    /// <summary>From the host's configuration, as the silo's options will bind it (the metadata is fixed before the options are built).</summary>
    public static Dictionary<string, string> Of(IConfiguration configuration)
        => Of(configuration.GetSection(SiloGroupOptions.Section).Get<SiloGroupOptions>() ?? new SiloGroupOptions());
}
