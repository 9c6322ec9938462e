namespace Surge;

/// <summary>
/// What a <c>simulate</c> task may act out: the silos' handler refuses past these, and a replay checks its workload
/// against them before it connects, so a line the cluster would refuse is named by its line, not counted as rejected.
/// </summary>
public static class SimulateBounds
{
    /// <summary>Largest <c>memory_mb</c> accepted: what a task may make a silo hold, and what history may learn of one task.</summary>
    public const double MaxMemoryMb = 4096;

    /// <summary>Largest <c>duration_ms</c> accepted: one hour.</summary>
    public const double MaxDurationMs = 3_600_000;

    /// <summary>Throws <see cref="SurgeValidationException"/> naming <c>payload.memory_mb</c> or <c>payload.duration_ms</c> past its bound.</summary>
    public static void Check(double durationMs, double memoryMb)
    {
        if (memoryMb > MaxMemoryMb)
            throw new SurgeValidationException("payload.memory_mb", $"{memoryMb} is over the limit of {MaxMemoryMb} MB; simulate a smaller task");
        if (durationMs > MaxDurationMs)
            throw new SurgeValidationException("payload.duration_ms", $"{durationMs} is over the limit of {MaxDurationMs} ms (1 h); simulate a shorter task");
    }
}
