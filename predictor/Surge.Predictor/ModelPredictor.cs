using Surge.Prediction.Models;

namespace Surge.Prediction;

/// <summary>
/// The predictor silos run: the trained model for task types it knows, the per-type baseline for the rest (a cold
/// start, or a type newer than the model). A new model version replaces the old one without a restart.
/// </summary>
public sealed class ModelPredictor : IDurationPredictor
{
    private readonly BaselinePredictor _baseline = new();
    private volatile SurgeModel? _model;

    /// <summary>The model in use, or null while only the baseline runs.</summary>
    public SurgeModel? Model => _model;

    /// <summary>Switches to <paramref name="model"/> for every later prediction; in-flight predictions finish on the old one.</summary>
    public void Use(SurgeModel model) => _model = model ?? throw new ArgumentNullException(nameof(model));

    /// <inheritdoc />
    public TaskPrediction Predict(string type, ReadOnlySpan<Feature> features)
    {
        var model = _model;
        return model is not null && model.Encoder.KnowsType(type) ? model.Predict(type, features) : _baseline.Predict(type, features);
    }

    /// <inheritdoc />
    public string VersionFor(string type) => _model is { } model && model.Encoder.KnowsType(type) ? model.Version : BaselinePredictor.Version;

    /// <summary>Feeds the baseline only: the model learns from history when it is retrained, not task by task.</summary>
    public void Observe(string type, ReadOnlySpan<Feature> features, double durationMs, double memoryMb)
        => _baseline.Observe(type, features, durationMs, memoryMb);
}
