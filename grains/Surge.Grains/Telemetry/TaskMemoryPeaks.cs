namespace Surge.Telemetry;

/// <summary>
/// The largest per-task memory among the tasks this silo finished since the signal reporter last took it: observed
/// (what the handler reported: a program's peak resident memory, a simulated task's size) and predicted (what routing
/// expected when it placed the task). What the autoscaler's memory recommendation sizes a group's pods from; in
/// Telemetry so the task events can feed it without depending on the autoscaler.
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
