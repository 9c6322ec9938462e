using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace Surge.Prediction.Models;

/// <summary>Trains a <see cref="SurgeModel"/> from history: FastTree on log-duration and on log-memory.</summary>
public static class ModelTrainer
{
    /// <summary>Rows below this give no useful model; the baseline stays in charge.</summary>
    public const int MinRows = 200;

    // Share of rows held back to measure the errors that size the routing margin.
    private const double CalibrationShare = 0.15;
    private const double MarginQuantile = 0.90;

    public static SurgeModel Train(IReadOnlyList<HistoryRow> rows, string version, DateTimeOffset trainedAt, int seed = 1)
    {
        if (rows.Count < MinRows) throw new ArgumentException($"{rows.Count} rows is too few to train on; need at least {MinRows}", nameof(rows));
        var shuffled = rows.OrderBy(_ => 0).ToArray();
        new Random(seed).Shuffle(shuffled);
        var calibrationCount = (int)(shuffled.Length * CalibrationShare);
        var calibration = shuffled.AsSpan(0, calibrationCount).ToArray();
        var training = shuffled.AsSpan(calibrationCount).ToArray();

        var ml = new MLContext(seed);
        var encoder = FeatureEncoder.Learn(training);
        var duration = Fit(ml, encoder, training, FeatureEncoder.LogDuration);
        var memory = Fit(ml, encoder, training, FeatureEncoder.LogMemory);

        var draft = new SurgeModel(ml, new ModelInfo(version, training.Length, 0, trainedAt), encoder, duration, memory);
        var errors = calibration.Select(r => FeatureEncoder.LogDuration(r) - Math.Log(1 + draft.Predict(r.Type, r.Features).DurationMs)).Order().ToArray();
        var margin = errors.Length == 0 ? 0 : Math.Max(0, errors[(int)Math.Min(errors.Length - 1, Math.Ceiling(MarginQuantile * errors.Length) - 1)]);
        return new SurgeModel(ml, new ModelInfo(version, training.Length, margin, trainedAt), encoder, duration, memory);
    }

    private static ITransformer Fit(MLContext ml, FeatureEncoder encoder, IReadOnlyList<HistoryRow> rows, Func<HistoryRow, double> label)
    {
        var examples = rows.Select(r =>
        {
            var vector = new float[encoder.Width];
            encoder.Encode(r.Type, r.Features, vector);
            return new TrainingInput { Features = vector, Label = (float)label(r) };
        });
        var data = ml.Data.LoadFromEnumerable(examples, ModelSchemas.For<TrainingInput>(encoder.Width));
        var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            LabelColumnName = nameof(TrainingInput.Label),
            FeatureColumnName = nameof(TrainingInput.Features),
            NumberOfTrees = 120,
            NumberOfLeaves = 24,
            MinimumExampleCountPerLeaf = 10,
            LearningRate = 0.15,
        });
        return trainer.Fit(data);
    }
}
