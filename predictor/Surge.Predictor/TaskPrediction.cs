namespace Surge.Prediction;

/// <summary>
/// A predictor's guess for one task: the likely duration (<see cref="DurationMs"/>, a median) and a pessimistic one
/// (<see cref="UpperDurationMs"/>, about the 90th percentile) that routing compares with its threshold, so a task
/// goes to the short pool only when it is confidently short. <see cref="Confident"/> is false while the predictor has
/// too little history for this kind of task; routing then plays safe.
/// </summary>
public readonly record struct TaskPrediction(double DurationMs, double UpperDurationMs, double MemoryMb, bool Confident, string ModelVersion)
{
    /// <summary>No guess at all (NaN durations, not confident): routing treats the task as long.</summary>
    public static TaskPrediction Unknown(string modelVersion) => new(double.NaN, double.NaN, double.NaN, false, modelVersion);
}
