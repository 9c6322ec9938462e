using Surge.Series;

namespace Surge.Silos;

/// <summary>This silo's chart samples (<see cref="SeriesSampler"/>), reachable from any silo by this silo's address.</summary>
[SiloKeyedPlacement]
internal sealed class SiloSeriesGrain(SeriesSampler sampler, ILocalSiloDetails silo) : Grain, ISiloSeriesGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
        => this.GetPrimaryKeyString() == silo.SiloAddress.ToParsableString() ? Task.CompletedTask
            : throw new SiloUnavailableException($"silo {this.GetPrimaryKeyString()} is not this silo ({silo.SiloAddress.ToParsableString()})");

    public Task<SiloSeries> GetAsync() => Task.FromResult(new SiloSeries(this.GetPrimaryKeyString(), sampler.Points()));
}
