using System.Collections.Immutable;

namespace Surge.Prediction;

/// <summary>A history row as it travels between silos (the predictor's own types know nothing of Orleans).</summary>
[GenerateSerializer, Immutable]
internal sealed record HistorySample(
    [property: Id(0)] string Type,
    [property: Id(1)] ImmutableArray<(string Name, FeatureValue Value)> Features,
    [property: Id(2)] double DurationMs,
    [property: Id(3)] double MemoryMb)
{
    public static HistorySample From(HistoryRow row)
        => new(row.Type, [.. row.Features.Select(f => (f.Name, f.IsNumber ? FeatureValue.Of(f.Number) : FeatureValue.Of(f.Text!)))], row.DurationMs, row.MemoryMb);

    public HistoryRow ToRow()
        => new(Type, [.. Features.Select(f => new Feature(f.Name, f.Value.Text, f.Value.Number))], DurationMs, MemoryMb);
}
