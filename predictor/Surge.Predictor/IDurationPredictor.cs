namespace Surge.Prediction;

/// <summary>
/// Guesses a task's duration and memory from its type and features, and learns from what really happened.
/// Called on the routing path: implementations are thread-safe, synchronous and allocation-free there.
/// </summary>
public interface IDurationPredictor
{
    /// <summary>The guess for one task; <see cref="TaskPrediction.Confident"/> is false when the predictor knows too little.</summary>
    TaskPrediction Predict(string type, ReadOnlySpan<Feature> features);

    /// <summary>Feeds back one finished task. Called once per execution, from any thread.</summary>
    void Observe(string type, ReadOnlySpan<Feature> features, double durationMs, double memoryMb);

    /// <summary>
    /// The version (<see cref="TaskPrediction.ModelVersion"/>) whose predictions a task of <paramref name="type"/> gets
    /// now, without predicting: what metrics label a finished task with. A predictor without versions says "unversioned".
    /// </summary>
    string VersionFor(string type) => "unversioned";
}
