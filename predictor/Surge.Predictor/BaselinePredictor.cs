using System.Collections.Concurrent;

namespace Surge.Prediction;

/// <summary>
/// The cold-start predictor: per task type, an exponentially weighted mean of duration and of memory.
/// The arithmetic mean (not the geometric one) on purpose: a type with a heavy tail of long runs must look long,
/// because a long task routed to the short pool hurts far more than the opposite.
/// It cannot tell two tasks of one type apart; a model of the features can (see the ML predictor).
/// </summary>
public sealed class BaselinePredictor : IDurationPredictor
{
    public const string Version = "baseline";

    /// <summary>Observations of a type before its estimate is trusted.</summary>
    public const int MinObservations = 5;

    // Weight of a new observation: about the last 50 executions of a type shape its estimate.
    private const double Alpha = 0.02;

    private readonly ConcurrentDictionary<string, TypeStats> _types = new(StringComparer.Ordinal);

    public Prediction Predict(string type, ReadOnlySpan<Feature> features)
        => _types.TryGetValue(type, out var stats) ? stats.Predict() : Prediction.Unknown(Version);

    public void Observe(string type, ReadOnlySpan<Feature> features, double durationMs, double memoryMb)
    {
        if (!double.IsFinite(durationMs) || durationMs < 0) return;
        _types.GetOrAdd(type, static _ => new TypeStats()).Add(durationMs, double.IsFinite(memoryMb) ? Math.Max(0, memoryMb) : 0);
    }

    private sealed class TypeStats
    {
        private readonly Lock _lock = new();
        private long _count;
        private double _duration;
        private double _memory;

        public void Add(double durationMs, double memoryMb)
        {
            lock (_lock)
            {
                // Plain mean until the EWMA has enough samples to be meaningful, so early estimates are not skewed by the first one.
                var weight = Math.Max(Alpha, 1.0 / ++_count);
                _duration += weight * (durationMs - _duration);
                _memory += weight * (memoryMb - _memory);
            }
        }

        public Prediction Predict()
        {
            lock (_lock)
            {
                return new Prediction(_duration, _memory, _count >= MinObservations, Version);
            }
        }
    }
}
