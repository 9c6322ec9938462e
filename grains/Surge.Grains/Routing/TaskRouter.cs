using System.Buffers;
using Microsoft.Extensions.Options;
using Surge.Prediction;
using Surge.Workers;

namespace Surge.Routing;

/// <summary>Picks a task's pool by the configured <see cref="RoutingMode"/>. Pure: no Orleans, no clock.</summary>
internal sealed class TaskRouter(IOptions<RoutingOptions> options, IDurationPredictor predictor)
{
    private readonly RoutingOptions _options = options.Value;

    public RouteDecision Route(TaskSpec spec) => _options.Mode switch
    {
        RoutingMode.Single => new RouteDecision(PoolNames.Single, null),
        RoutingMode.Type => new RouteDecision(_options.TypePools.GetValueOrDefault(RoutingKey(spec), _options.DefaultPool), null),
        RoutingMode.Oracle => ByDuration(spec.Type == SimulateHandler.TypeName ? SimulatePayload.Parse(spec.Payload.Span).DurationMs : null),
        _ => ByPrediction(spec),
    };

    /// <summary>What routing tables and history know a task by: its type, or for a simulated task, the kind it stands in for.</summary>
    public static string RoutingKey(TaskSpec spec)
        => spec.Type == SimulateHandler.TypeName && spec.Features.TryGetValue(SimulateHandler.KindFeature, out var kind) && kind.Text is { } text
            ? text
            : spec.Type;

    private RouteDecision ByPrediction(TaskSpec spec)
    {
        var prediction = Predict(predictor, spec);
        // Until the predictor trusts its guess, play safe: a long task in the short pool hurts more than the reverse.
        if (!prediction.Confident) return new RouteDecision(_options.DefaultPool, null);
        // Short only when even the pessimistic estimate is under the threshold; the status shows the likely duration.
        var pool = prediction.UpperDurationMs < _options.ShortThresholdMs ? PoolNames.Short : PoolNames.Long;
        return new RouteDecision(pool, prediction.DurationMs);
    }

    private RouteDecision ByDuration(double? durationMs) => durationMs is { } ms
        ? new RouteDecision(ms < _options.ShortThresholdMs ? PoolNames.Short : PoolNames.Long, ms)
        : new RouteDecision(_options.DefaultPool, null);

    public static TaskPrediction Predict(IDurationPredictor predictor, TaskSpec spec)
    {
        var features = Rent(spec, out var count);
        try
        {
            return predictor.Predict(RoutingKey(spec), features.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<Feature>.Shared.Return(features, clearArray: true);
        }
    }

    public static void Observe(IDurationPredictor predictor, TaskSpec spec, double durationMs, double memoryMb)
    {
        var features = Rent(spec, out var count);
        try
        {
            predictor.Observe(RoutingKey(spec), features.AsSpan(0, count), durationMs, memoryMb);
        }
        finally
        {
            ArrayPool<Feature>.Shared.Return(features, clearArray: true);
        }
    }

    private static Feature[] Rent(TaskSpec spec, out int count)
    {
        var features = ArrayPool<Feature>.Shared.Rent(Math.Max(1, spec.Features.Count));
        count = 0;
        foreach (var (name, value) in spec.Features)
            features[count++] = new Feature(name, value.Text, value.Number);
        return features;
    }
}

/// <summary>Where a task goes, and the duration that sent it there (null when routing did not predict).</summary>
[GenerateSerializer, Immutable]
public sealed record RouteDecision([property: Id(0)] string Pool, [property: Id(1)] double? PredictedMs);
