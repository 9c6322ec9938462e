using Microsoft.Extensions.Logging;
using Surge.Background;
using Surge.Pools;
using Surge.Telemetry;

namespace Surge.Series;

/// <summary>
/// Samples this silo every <see cref="Period"/> into a ring of <see cref="Capacity"/> points: the last 15 minutes the
/// status page charts. Sampling reads counters the pools keep anyway, so it costs the same however busy the silo is.
/// </summary>
internal sealed partial class SeriesSampler(PoolRunner pools, RoutingScore score, SojournWindow sojourns, IClusterMembershipService membership,
    ILocalSiloDetails silo, TimeProvider time, ILogger<SeriesSampler> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);
    public const int Capacity = 180; // 15 minutes of 5 s samples

    private readonly Lock _lock = new();
    private readonly SeriesRing<SeriesPoint> _ring = new(Capacity);
    private BackgroundLoop? _loop;
    private long? _completed;
    private DateTimeOffset _last;

    public SeriesPoint[] Points()
    {
        lock (_lock) return _ring.ToArray();
    }

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(SeriesSampler), ServiceLifecycleStage.Active,
        _ =>
        {
            _last = time.GetUtcNow();
            _loop = BackgroundLoop.Start("series sampler", Period, _ => { Sample(); return Task.CompletedTask; }, time, logger);
            return Task.CompletedTask;
        },
        async ct =>
        {
            if (_loop is { } loop) await loop.StopAsync(ct);
        });

    /// <summary>Takes one sample now (the loop calls it every period).</summary>
    public void Sample()
    {
        var now = time.GetUtcNow();
        var stats = pools.GetStats(silo.SiloAddress.ToParsableString());
        var completed = stats.Sum(p => p.Completed);
        var seconds = (now - _last).TotalSeconds;
        var throughput = _completed is { } before && seconds > 0 ? Math.Max(0, completed - before) / seconds : 0;
        var drained = sojourns.Drain();
        var replicas = membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var point = new SeriesPoint(now, throughput, drained.GetValueOrDefault(PoolKind.Short), drained.GetValueOrDefault(PoolKind.Long),
            stats.Sum(p => p.Queued), stats.Sum(p => p.Running), stats.Sum(p => p.Limit), replicas, score.Accuracy);
        (_completed, _last) = (completed, now);
        lock (_lock) _ring.Add(point);
    }
}
