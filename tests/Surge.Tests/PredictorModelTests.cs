using Surge.Prediction;
using Surge.Prediction.Models;

namespace Surge.Tests;

/// <summary>Trains once on a small synthetic history whose duration depends on features, not on type alone.</summary>
public sealed class TrainedModelFixture
{
    public IReadOnlyList<HistoryRow> History { get; } = Synthetic(1_200, seed: 3);
    public SurgeModel Model { get; }

    public TrainedModelFixture() => Model = ModelTrainer.Train(History, "test-1", DateTimeOffset.UnixEpoch);

    public static IReadOnlyList<HistoryRow> Synthetic(int n, int seed)
    {
        var rng = new Random(seed);
        var speed = new Dictionary<string, double> { ["fast"] = 100_000, ["medium"] = 20_000, ["slow"] = 2_000 };
        var sources = speed.Keys.ToArray();
        return Enumerable.Range(0, n).Select(_ =>
        {
            var source = sources[rng.Next(sources.Length)];
            var rows = rng.Next(100, 100_000);
            var duration = 2 + rows / speed[source] * 1000 * Math.Exp(rng.NextDouble() * 0.2 - 0.1);
            return new HistoryRow("fetch", [new Feature("source", source, 0), new Feature("rows", null, rows)], duration, 10 + rows / 1000.0);
        }).ToList();
    }
}

public class PredictorModelTests(TrainedModelFixture trained) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void Predict_FeaturesSeparateShortFromLongOfOneType()
    {
        var quick = trained.Model.Predict("fetch", [new Feature("source", "fast", 0), new Feature("rows", null, 500)]);
        var slow = trained.Model.Predict("fetch", [new Feature("source", "slow", 0), new Feature("rows", null, 90_000)]);
        Assert.True(quick.UpperDurationMs < 50, $"quick: {quick.UpperDurationMs}");
        Assert.True(slow.DurationMs > 1_000, $"slow: {slow.DurationMs}");
        Assert.True(quick.Confident && slow.Confident);
    }

    [Fact]
    public void Predict_UnseenCategory_GivesFinitePrediction()
    {
        var p = trained.Model.Predict("fetch", [new Feature("source", "never-seen", 0), new Feature("rows", null, 500)]);
        Assert.True(double.IsFinite(p.DurationMs) && double.IsFinite(p.MemoryMb));
    }

    [Fact]
    public void Predict_MissingAndUnknownFeatures_GivesFinitePrediction()
    {
        var p = trained.Model.Predict("fetch", [new Feature("unheard-of", null, 3)]);
        Assert.True(double.IsFinite(p.DurationMs) && double.IsFinite(p.UpperDurationMs));
    }

    [Fact]
    public void Predict_UpperIsAtLeastTheLikelyDuration()
    {
        var p = trained.Model.Predict("fetch", [new Feature("source", "medium", 0), new Feature("rows", null, 5_000)]);
        Assert.True(p.UpperDurationMs >= p.DurationMs);
    }

    [Fact]
    public void Evaluation_ModelBeatsBaselineOnHeldOutRows()
    {
        var heldOut = TrainedModelFixture.Synthetic(500, seed: 99);
        var baseline = new BaselinePredictor();
        foreach (var row in trained.History) baseline.Observe(row.Type, row.Features, row.DurationMs, row.MemoryMb);
        var model = ModelEvaluation.Of(r => trained.Model.Predict(r.Type, r.Features), heldOut, 50);
        var typeOnly = ModelEvaluation.Of(r => baseline.Predict(r.Type, r.Features), heldOut, 50);
        Assert.True(model.OffBy2x < typeOnly.OffBy2x, $"model {model.OffBy2x} vs baseline {typeOnly.OffBy2x}");
        Assert.True(model.ShortLongAccuracy > typeOnly.ShortLongAccuracy);
    }

    [Fact]
    public void SaveLoad_RoundTrip_PredictsTheSame()
    {
        using var file = new MemoryStream();
        trained.Model.Save(file);
        file.Position = 0;
        var loaded = SurgeModel.Load(file);
        Feature[] features = [new Feature("source", "medium", 0), new Feature("rows", null, 12_345)];
        Assert.Equal(trained.Model.Predict("fetch", features), loaded.Predict("fetch", features));
        Assert.Equal("test-1", loaded.Version);
    }

    [Fact]
    public void Load_NotAModel_SaysSo()
    {
        using var junk = new MemoryStream("not a zip"u8.ToArray());
        Assert.Contains("not a Surge model file", Assert.Throws<InvalidDataException>(() => SurgeModel.Load(junk, "junk.zip")).Message);
    }

    [Fact]
    public void Train_NumericFeaturePastFloatRangeOnEveryRow_Trains()
    {
        var history = TrainedModelFixture.Synthetic(200, seed: 5)
            .Select(r => r with { Features = [.. r.Features, new Feature("huge", null, 1e300)] }).ToList();
        var model = ModelTrainer.Train(history, "huge-1", DateTimeOffset.UnixEpoch);
        Assert.True(double.IsFinite(model.Predict("fetch", [new Feature("huge", null, 1e300)]).DurationMs));
    }

    // A "null" document read as null, and the first prediction threw a NullReferenceException.
    [Theory]
    [InlineData("model.json")]
    [InlineData("encoder.json")]
    public void Load_AnEntryThatIsNull_SaysSo(string entry)
    {
        using var file = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(file, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in new[] { "model.json", "encoder.json" })
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(name == entry ? "null" : "{}");
            }
        }
        file.Position = 0;
        var e = Assert.Throws<InvalidDataException>(() => SurgeModel.Load(file, "m.zip"));
        Assert.Contains($"{entry} is null", e.Message);
    }

    [Fact]
    public void ModelPredictor_UnknownType_FallsBackToBaseline()
    {
        var predictor = new ModelPredictor();
        predictor.Use(trained.Model);
        for (var i = 0; i < BaselinePredictor.MinObservations; i++) predictor.Observe("resize", [], 7, 1);
        var p = predictor.Predict("resize", []);
        Assert.Equal(BaselinePredictor.Version, p.ModelVersion);
        Assert.Equal(7, p.DurationMs, 6);
    }

    // What metrics label a finished task with: the version its type's predictions come from, without predicting.
    [Fact]
    public void ModelPredictor_VersionFor_TheModelsForItsTypesTheBaselinesForOthers()
    {
        var predictor = new ModelPredictor();
        Assert.Equal(BaselinePredictor.Version, predictor.VersionFor("fetch"));
        predictor.Use(trained.Model);
        Assert.Equal(predictor.Predict("fetch", []).ModelVersion, predictor.VersionFor("fetch"));
        Assert.Equal("test-1", predictor.VersionFor("fetch"));
        Assert.Equal(BaselinePredictor.Version, predictor.VersionFor("resize"));
    }

    [Fact]
    public void ModelPredictor_Use_SwitchesModelWithoutRestart()
    {
        var predictor = new ModelPredictor();
        Assert.Equal(BaselinePredictor.Version, predictor.Predict("fetch", []).ModelVersion);
        predictor.Use(trained.Model);
        Assert.Equal("test-1", predictor.Predict("fetch", []).ModelVersion);
    }

    [Fact]
    public void Train_TooFewRows_SaysHowMany()
        => Assert.Contains("at least", Assert.Throws<ArgumentException>(() => ModelTrainer.Train(TrainedModelFixture.Synthetic(10, 1), "v", DateTimeOffset.UnixEpoch)).Message);
}
