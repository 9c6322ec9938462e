using Surge.Prediction;

namespace Surge.Tests;

public class BaselinePredictorTests
{
    [Fact]
    public void Predict_UnseenType_IsNotConfident()
        => Assert.False(new BaselinePredictor().Predict("never", []).Confident);

    [Fact]
    public void Predict_AfterMinObservations_IsConfident()
    {
        var predictor = new BaselinePredictor();
        for (var i = 0; i < BaselinePredictor.MinObservations - 1; i++) predictor.Observe("t", [], 20, 4);
        Assert.False(predictor.Predict("t", []).Confident);
        predictor.Observe("t", [], 20, 4);
        var prediction = predictor.Predict("t", []);
        Assert.True(prediction.Confident);
        Assert.Equal(20, prediction.DurationMs, 6);
        Assert.Equal(20, prediction.UpperDurationMs, 6); // no spread, no margin
        Assert.Equal(4, prediction.MemoryMb, 6);
    }

    [Fact]
    public void Predict_OneSpikeAmongFastRuns_UpperStaysUnderShortThreshold()
    {
        var predictor = new BaselinePredictor();
        for (var i = 0; i < 19; i++) predictor.Observe("t", [], 2, 1);
        predictor.Observe("t", [], 600, 1);
        Assert.True(predictor.Predict("t", []).UpperDurationMs < 50);
    }

    [Fact]
    public void Predict_HeavyTailedType_MedianShortButUpperLong()
    {
        var predictor = new BaselinePredictor();
        for (var i = 0; i < 50; i++) predictor.Observe("t", [], i % 3 == 0 ? 800 : 10, 1);
        var prediction = predictor.Predict("t", []);
        Assert.True(prediction.DurationMs < 50, $"median {prediction.DurationMs}");
        Assert.True(prediction.UpperDurationMs > 50, $"upper {prediction.UpperDurationMs}");
    }

    [Fact]
    public void Observe_NegativeOrNaNDuration_IsIgnored()
    {
        var predictor = new BaselinePredictor();
        predictor.Observe("t", [], double.NaN, 1);
        predictor.Observe("t", [], -5, 1);
        Assert.False(predictor.Predict("t", []).Confident);
        Assert.True(double.IsNaN(predictor.Predict("t", []).DurationMs));
    }
}
