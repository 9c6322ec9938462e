namespace Surge.Autoscale;

/// <summary>
/// The largest per-task memory among the tasks this silo finished since the signal reporter last took it: observed
/// (what the handler reported: a program's peak resident memory, a simulated task's size) and predicted (what routing
/// expected when it placed the task). What <see cref="MemoryRecommender"/> sizes a group's pods from.
/// </summary>
internal sealed class TaskMemoryPeaks
{
    private readonly Lock _lock = new();
    private double _observedMb, _predictedMb;

    public void Observe(double predictedMb, double observedMb)
    {
        if (!(predictedMb > 0) && !(observedMb > 0)) return; // NaN or nothing known
        lock (_lock)
        {
            if (observedMb > _observedMb) _observedMb = observedMb;
            if (predictedMb > _predictedMb) _predictedMb = predictedMb;
        }
    }

    /// <summary>The peaks since the last take, and starts over.</summary>
    public (double ObservedMb, double PredictedMb) Take()
    {
        lock (_lock)
        {
            var peaks = (_observedMb, _predictedMb);
            (_observedMb, _predictedMb) = (0, 0);
            return peaks;
        }
    }
}
