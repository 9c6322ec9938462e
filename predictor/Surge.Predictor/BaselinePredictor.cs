using System.Collections.Concurrent;

namespace Surge.Prediction;

/// <summary>
/// The cold-start predictor: per task type, a lognormal fit of duration (exponentially weighted mean and variance of
/// log-duration) and a weighted mean of memory. It cannot tell two tasks of one type apart; a model of the features can.
/// Its upper estimate (≈ p90) keeps a type with a heavy tail of long runs out of the short pool, while one slow run
/// among many fast ones (a GC pause, a cold start) does not flip a fast type.
/// </summary>
public sealed class BaselinePredictor : IDurationPredictor
{
    /// <summary>The model version its predictions carry, so reports tell baseline guesses from a trained model's.</summary>
    public const string Version = "baseline";

    /// <summary>Observations of a type before its estimate is trusted.</summary>
    public const int MinObservations = 5;

    // z of the 90th percentile of a normal distribution: the upper estimate is exp(mean + Z90 · sd) of log-duration.
    private const double Z90 = 1.2816;

    // Weight of a new observation once a type has history: about the last 50 executions shape its estimate.
    private const double Alpha = 0.02;

    private readonly ConcurrentDictionary<string, TypeStats> _types = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public TaskPrediction Predict(string type, ReadOnlySpan<Feature> features)
        => _types.TryGetValue(type, out var stats) ? stats.Predict() : TaskPrediction.Unknown(Version);

    /// <inheritdoc />
    public string VersionFor(string type) => Version;

    /// <inheritdoc />
    public void Observe(string type, ReadOnlySpan<Feature> features, double durationMs, double memoryMb)
    {
        if (!double.IsFinite(durationMs) || durationMs < 0) return;
        _types.GetOrAdd(type, static _ => new TypeStats()).Add(durationMs, double.IsFinite(memoryMb) ? Math.Max(0, memoryMb) : 0);
    }

    private sealed class TypeStats
    {
        private readonly Lock _lock = new();
        private long _count;
        private double _logMean;
        private double _logVariance;
        private double _memory;

        public void Add(double durationMs, double memoryMb)
        {
            var x = Math.Log(1 + durationMs);
            lock (_lock)
            {
                // A plain running mean until there are enough samples for the exponential weighting to mean anything.
                var weight = Math.Max(Alpha, 1.0 / ++_count);
                var diff = x - _logMean;
                var step = weight * diff;
                _logMean += step;
                _logVariance = (1 - weight) * (_logVariance + diff * step);
                _memory += weight * (memoryMb - _memory);
            }
        }

        public TaskPrediction Predict()
        {
            lock (_lock)
            {
                return new TaskPrediction(Math.Exp(_logMean) - 1, Math.Exp(_logMean + Z90 * Math.Sqrt(_logVariance)) - 1, _memory, _count >= MinObservations, Version);
            }
        }
    }
}
