using Surge.Prediction;

namespace Surge.Tests;

public class BaselinePredictorTests
{
    [Fact]
    public void Predict_UnseenType_IsNotConfident()
        => Assert.False(new BaselinePredictor().Predict("never", []).Confident);

    [Fact]
    public void Predict_AfterMinObservations_IsConfidentMean()
    {
        var predictor = new BaselinePredictor();
        for (var i = 0; i < BaselinePredictor.MinObservations - 1; i++) predictor.Observe("t", [], 10, 4);
        Assert.False(predictor.Predict("t", []).Confident);
        predictor.Observe("t", [], 60, 4);
        var prediction = predictor.Predict("t", []);
        Assert.True(prediction.Confident);
        Assert.Equal(20, prediction.DurationMs, 6);
        Assert.Equal(4, prediction.MemoryMb, 6);
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
