using System.Buffers;
using Microsoft.Extensions.Options;
using Surge.Prediction;
using Surge.Workers;


namespace Surge.Routing;

/// <summary>Picks a task's pool by the configured <see cref="RoutingMode"/>. Pure: no Orleans, no clock.</summary>
internal sealed class TaskRouter(IOptions<RoutingOptions> options, IDurationPredictor predictor)
{
    private readonly RoutingOptions _options = options.Value;

    /// <summary>The pool, and the memory admission should count: predicted in every mode but the oracle's.</summary>
    public RouteDecision Route(TaskSpec spec)
    {
        if (_options.Mode == RoutingMode.Oracle)
        {
            var truth = spec.Type == SimulateHandler.TypeName ? SimulatePayload.Parse(spec.Payload.Span) : (SimulatePayload?)null;
            return ByDuration(truth?.DurationMs) with { MemoryMb = truth?.MemoryMb ?? 0 };
        }
        var prediction = Predict(predictor, spec);
        var memory = prediction.Confident && double.IsFinite(prediction.MemoryMb) ? prediction.MemoryMb : 0;
        return _options.Mode switch
        {
            RoutingMode.Single => new RouteDecision(PoolKind.Single, null, memory),
            RoutingMode.Type => new RouteDecision(_options.TypePools.GetValueOrDefault(RoutingKey(spec), _options.DefaultPool), null, memory),
            _ => ByPrediction(prediction) with { MemoryMb = memory },
        };
    }

    /// <summary>What routing tables and history know a task by: its type, or for a simulated task, the kind it stands in for.</summary>
    public static string RoutingKey(TaskSpec spec)
        => spec.Type == SimulateHandler.TypeName && spec.Features.TryGetValue(SimulateHandler.KindFeature, out var kind) && kind.Text is { } text
            ? text
            : spec.Type;

    private RouteDecision ByPrediction(TaskPrediction prediction)
    {
        // Until the predictor trusts its guess, play safe: a long task in the short pool hurts more than the reverse.
        if (!prediction.Confident) return new RouteDecision(_options.DefaultPool, null);
        // Short only when even the pessimistic estimate is under the threshold; the status shows the likely duration.
        var pool = prediction.UpperDurationMs < _options.ShortThresholdMs ? PoolKind.Short : PoolKind.Long;
        return new RouteDecision(pool, prediction.DurationMs, UpperMs: prediction.UpperDurationMs);
    }

    private RouteDecision ByDuration(double? durationMs) => durationMs is { } ms
        ? new RouteDecision(ms < _options.ShortThresholdMs ? PoolKind.Short : PoolKind.Long, ms, UpperMs: ms) // known, not guessed
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

    public static HistoryRow HistoryOf(TaskSpec spec, double durationMs, double memoryMb)
    {
        var features = new Feature[spec.Features.Count];
        var i = 0;
        foreach (var (name, value) in spec.Features) features[i++] = new Feature(name, value.Text, value.Number);
        return new HistoryRow(RoutingKey(spec), features, durationMs, memoryMb);
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

/// <summary>
/// Where a task goes, the likely duration that sent it there (null when routing did not predict), its predicted memory,
/// and the cautious guess of its duration that chose the pool (equal to the likely one when the duration is known;
/// null when routing did not predict). The pools treat a long-routed task whose cautious guess is over its likely one,
/// and whose likely one is nearly short, as possibly short.
/// </summary>
public sealed record RouteDecision(PoolKind Pool, double? PredictedMs, double MemoryMb = 0, double? UpperMs = null);
