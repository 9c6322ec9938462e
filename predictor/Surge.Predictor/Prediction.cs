namespace Surge.Prediction;

/// <summary>
/// A predictor's guess for one task. <see cref="Confident"/> is false while the predictor has too little
/// history for this kind of task; routing then plays safe.
/// </summary>
public readonly record struct Prediction(double DurationMs, double MemoryMb, bool Confident, string ModelVersion)
{
    public static Prediction Unknown(string modelVersion) => new(double.NaN, double.NaN, false, modelVersion);
}
