using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace Surge.Prediction.Models;

/// <summary>
/// Trains a <see cref="SurgeModel"/> from history: FastTree on log-duration and on log-memory, then, on rows held
/// back from the trees, the routing margin and the per-type centring of the likely duration (<see cref="BandCentering"/>).
/// </summary>
public static class ModelTrainer
{
    /// <summary>Rows below this give no useful model; the baseline stays in charge.</summary>
    public const int MinRows = 200;

    // Share of rows held back to measure the errors that size the routing margin.
    private const double CalibrationShare = 0.15;
    /// <summary>
    /// Default quantile of held-out log-duration errors added to a guess before routing compares it: the median, so a
    /// task goes short when it is more likely short than not. Measured with `bench mixed --runs predicted,oracle`
    /// (8 slots, the pools sizing themselves with a reserve bound one slot looser than the one shipped, guesses
    /// centred in their 2× band): on the default world 0.50 left 34
    /// short tasks in the long queue and sent 26 long ones short, short p99 64 ms against 51 for the oracle; 0.75 left
    /// 70 and sent 6, short p99 310 ms. World 2, shift 0.2: 78 against 51 ms, and 430 with 0.75. Long p99 and makespan
    /// did not move. A short task predicted long waits behind long work for seconds; a long one predicted short mostly
    /// runs 50–100 ms in a short slot, which the reserve and the idle slots absorb. (Before the pools were
    /// work-conserving and guesses centred, 0.75 measured best: 99.6 against 95.5 ms.)
    /// </summary>
    public const double DefaultMarginQuantile = 0.5;

    /// <summary>
    /// Trains a model on <paramref name="rows"/> (at least <see cref="MinRows"/>); the same rows, version and seed give
    /// the same model. <paramref name="marginQuantile"/> (0.5 to 0.999) trades short tasks routed long for long ones
    /// routed short.
    /// </summary>
    public static SurgeModel Train(IReadOnlyList<HistoryRow> rows, string version, DateTimeOffset trainedAt, int seed = 1, double marginQuantile = DefaultMarginQuantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(marginQuantile, 0.5);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(marginQuantile, 0.999);
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
        var margin = Math.Max(0, Percentiles.NearestRank<double>(errors, marginQuantile));
        // The margin is measured on the regression itself: centring moves the likely guess, not what routing compares.
        var (shifts, constants) = BandCentering.Fit(calibration.Select(r => (r.Type, draft.Predict(r.Type, r.Features).DurationMs, r.DurationMs)));
        return new SurgeModel(ml, new ModelInfo(version, training.Length, margin, trainedAt, shifts, constants), encoder, duration, memory);
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
