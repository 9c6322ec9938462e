using Orleans.Concurrency;

namespace Surge.Autoscale;

/// <summary>How silos feed the autoscale grain (same grain as <see cref="IAutoscaleGrain"/>; not for clients).</summary>
internal interface IAutoscaleReporting : IGrainWithIntegerKey
{
    [OneWay]
    Task ReportAsync(SiloSignal signal);
}
