using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Surge.Pools;
using Surge.Telemetry;

namespace Surge.Routing;

/// <summary>
/// Where a pool's work runs (silo groups): this silo when it hosts the pool, else an active silo whose metadata says it
/// does. A shard asks before it stores a dispatch, so the record names the silo that will hold the run
/// (<c>TaskRecord.RanOn</c>) and a dead silo's runs are found again. With one group every silo hosts every pool and
/// the answer is always this silo, as before groups.
/// </summary>
internal sealed partial class PoolHosts
{
    /// <summary>How long a silo that handed work back (it is draining) is left out of the choice.</summary>
    internal static readonly TimeSpan AvoidFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(30);

    private static readonly Counter<long> Unhosted = SurgeMeter.Meter.CreateCounter<long>("surge.pool.unhosted", "{dispatch}",
        "Dispatches that found no active silo hosting the task's pool: the task waits queued and undispatched, by pool");

    /// <summary>The silo metadata key naming a silo's group (<c>Surge:Silo:Group</c>).</summary>
    public const string GroupKey = "surge.group";

    /// <summary>The silo metadata key listing the pools a silo hosts, comma-separated (<c>Surge:Silo:Pools</c>, all spelled out).</summary>
    public const string PoolsKey = "surge.pools";

    private readonly PoolShape _shape;
    private readonly ILocalSiloDetails _local;
    private readonly IClusterMembershipService? _membership;
    private readonly ISiloMetadataCache? _metadata;
    private readonly DrainingSilos? _draining;
    private readonly PoolRunner _pools;
    private readonly TimeProvider _time;
    private readonly ILogger<PoolHosts> _logger;
    private readonly ConcurrentDictionary<string, long> _avoid = new(StringComparer.Ordinal); // silo → when it handed work back
    private readonly ConcurrentDictionary<PoolKind, long> _logged = new(); // pool → when "no host" was last logged
    private string? _here;

    public PoolHosts(PoolShape shape, ILocalSiloDetails local, PoolRunner pools, TimeProvider time, ILogger<PoolHosts> logger, IServiceProvider services)
    {
        _shape = shape;
        HostsEveryPool = shape.Mode == RoutingMode.Single ? shape.Hosts(PoolKind.Single) : shape.Hosts(PoolKind.Short) && shape.Hosts(PoolKind.Long);
        _local = local;
        _membership = services.GetService<IClusterMembershipService>();
        _metadata = services.GetService<ISiloMetadataCache>();
        _draining = services.GetService<DrainingSilos>();
        _pools = pools;
        _time = time;
        _logger = logger;
    }

    /// <summary>This silo, as records name it.</summary>
    public string Here => _here ??= _local.SiloAddress.ToParsableString();

    /// <summary>This silo hosts every pool its routing mode can pick: its shards dispatch here without routing first.</summary>
    public bool HostsEveryPool { get; }

    /// <summary>
    /// The silo for a task of <paramref name="pool"/>: this one if it hosts the pool and is not draining, else one at
    /// random of the active silos that host it, but not one that handed work back lately, nor one heard draining
    /// (<see cref="DrainingSilos"/>) while another will do. Null when none does: the task waits, and a log line (at most
    /// every 30 s per pool) and <c>surge.pool.unhosted</c> say why.
    /// </summary>
    public string? Pick(PoolKind pool)
    {
        if (_shape.Hosts(pool) && !_pools.IsDraining) return Here;
        var now = _time.GetTimestamp();
        List<string>? candidates = null, draining = null;
        if (_membership is not null && _metadata is not null)
        {
            var snapshot = _membership.CurrentSnapshot;
            foreach (var member in snapshot.Members.Values)
            {
                if (member.Status != SiloStatus.Active || member.SiloAddress.Equals(_local.SiloAddress)) continue;
                if (!Hosts(_metadata.GetSiloMetadata(member.SiloAddress).Metadata, pool)) continue;
                var silo = member.SiloAddress.ToParsableString();
                if (_avoid.TryGetValue(silo, out var since) && _time.GetElapsedTime(since, now) < AvoidFor) continue;
                // A draining silo hands the work straight back: a second hop, and a dispatch that waited for it.
                if (_draining?.Drains(member.SiloAddress, snapshot) == true) (draining ??= []).Add(silo);
                else (candidates ??= []).Add(silo);
            }
        }
        if ((candidates ?? draining) is { } pick) return pick[Random.Shared.Next(pick.Count)];
        NoHost(pool, now);
        return null;
    }

    /// <summary>Whether a silo's metadata says it hosts <paramref name="pool"/>. No metadata (not fetched yet): no.</summary>
    public static bool Hosts(IReadOnlyDictionary<string, string> metadata, PoolKind pool)
        => metadata.TryGetValue(PoolsKey, out var pools) && pools.Split(',').Contains(pool.Name(), StringComparer.Ordinal);

    /// <summary>A silo handed work back unstarted (it drains, or does not host the pool): left out of the choice for a while.</summary>
    public void Avoid(string silo)
    {
        if (silo != Here) _avoid[silo] = _time.GetTimestamp();
    }

    private void NoHost(PoolKind pool, long now)
    {
        Unhosted.Add(1, new KeyValuePair<string, object?>("pool", pool.Name()));
        if (_logged.TryGetValue(pool, out var last) && _time.GetElapsedTime(last, now) < LogEvery) return;
        _logged[pool] = now;
        LogNoHost(pool.Name(), _shape.Pools is { Count: > 0 } hosted ? string.Join(", ", hosted.Select(p => p.Name())) : "all");
    }

    [LoggerMessage(1, LogLevel.Warning, "No active silo hosts pool {Pool} (this silo hosts {Hosted}): its tasks wait queued, undispatched and uncounted, until a silo whose Surge:Silo:Pools includes it joins")]
    private partial void LogNoHost(string pool, string hosted);
}
