using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Surge.Prediction;
using Surge.Workers;


namespace Surge.Routing;

/// <summary>
/// Picks a task's pool by the configured <see cref="RoutingMode"/>. Pure: no Orleans, no clock. Never throws for a task:
/// routing is a guess, and a classifier routes a whole batch in one call, so one task it cannot guess for would fail
/// the dispatch of every task in its batch (in one process, for good: nothing sends a failed local batch again).
/// </summary>
internal sealed partial class TaskRouter(IOptions<RoutingOptions> options, IDurationPredictor predictor, ILogger<TaskRouter>? logger = null)
{
    private readonly RoutingOptions _options = options.Value;
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>The pool, and the memory admission should count: predicted in every mode but the oracle's.</summary>
    public RouteDecision Route(TaskSpec spec)
    {
        if (_options.Mode == RoutingMode.Oracle)
        {
            var truth = spec.Type == SimulateHandler.TypeName ? Truth(spec) : null;
            return ByDuration(truth?.DurationMs) with { MemoryMb = truth?.MemoryMb ?? 0 };
        }
        var prediction = PredictOrUnknown(spec);
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

    // Submission lets through a simulate payload that is not JSON with numbers, to fail its task when it runs, with the
    // parse error: until then its duration is unknown.
    private static SimulatePayload? Truth(TaskSpec spec)
    {
        try
        {
            return SimulatePayload.Parse(spec.Payload.Span);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // A predictor that throws for a task (a custom one; a model that cannot read its features) knows nothing of it: the
    // task is routed as one it has never seen, and its handler decides how it ends.
    private TaskPrediction PredictOrUnknown(TaskSpec spec)
    {
        try
        {
            return Predict(predictor, spec);
        }
        catch (Exception e)
        {
            LogPredictionFailed(e, spec.Id, spec.Type);
            return TaskPrediction.Unknown("none");
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The duration predictor failed for task {TaskId} of type {Type}: routed as a task it knows nothing of")]
    private partial void LogPredictionFailed(Exception exception, string taskId, string type);

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
