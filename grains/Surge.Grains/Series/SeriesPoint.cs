namespace Surge.Series;

/// <summary>
/// One sample of one silo for the status page's charts. Throughput is tasks completed by this silo's pools per second
/// since the previous sample; sojourns are of tasks whose records are on this silo's shards; replicas is the active
/// silos this silo sees.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record SeriesPoint(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double Throughput,
    [property: Id(2)] SojournPercentiles? Short,
    [property: Id(3)] SojournPercentiles? Long,
    [property: Id(4)] int Queued,
    [property: Id(5)] int Running,
    [property: Id(6)] int Slots,
    [property: Id(7)] int Replicas,
    [property: Id(8)] double? RoutingAccuracy);

/// <summary>One silo's last minutes: what <see cref="ISiloSeriesGrain"/> answers.</summary>
[GenerateSerializer, Immutable]
internal sealed record SiloSeries([property: Id(0)] string Silo, [property: Id(1)] SeriesPoint[] Points);

/// <summary>A silo's chart samples, keyed by its address (as <see cref="IWorkerSiloGrain"/> is). Silos only.</summary>
internal interface ISiloSeriesGrain : IGrainWithStringKey
{
    [Orleans.Concurrency.ReadOnly]
    Task<SiloSeries> GetAsync();
}
