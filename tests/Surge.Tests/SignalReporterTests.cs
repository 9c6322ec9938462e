using Surge.Autoscale;

namespace Surge.Tests;

public class SignalReporterTests
{
    private static PoolStats Stats(long completed, double runMsTotal, long predicted, double predictedMsTotal, long arrived = 0, int queued = 0)
        => new("s", PoolKind.Long, Queued: queued, Running: 0, Limit: 4, Min: 1, Max: 8, Started: completed, Completed: completed, OldestWaitMs: 0,
            Arrived: arrived, RunMsTotal: runMsTotal, PredictedArrived: predicted, PredictedMsTotal: predictedMsTotal);

    [Fact]
    public void Signal_ActualAndPredictedDiffer_ReportsEachItsOwnMean()
    {
        var before = Stats(completed: 10, runMsTotal: 1_000, predicted: 4, predictedMsTotal: 400);
        var now = Stats(completed: 12, runMsTotal: 1_200, predicted: 8, predictedMsTotal: 2_400);

        var signal = SignalReporter.Signal(now, before, seconds: 1);

        Assert.Equal(100, signal.MeanActualMs, 6);     // 200 ms over 2 completions
        Assert.Equal(500, signal.MeanPredictedMs, 6);  // 2,000 ms predicted over 4 predicted arrivals
    }

    [Fact]
    public void Signal_NothingFinishedYet_StillCarriesThePredictionTheAutoscalerFallsBackOn()
    {
        var before = Stats(completed: 0, runMsTotal: 0, predicted: 0, predictedMsTotal: 0);
        var now = Stats(completed: 0, runMsTotal: 0, predicted: 3, predictedMsTotal: 3_000, arrived: 3);

        var signal = SignalReporter.Signal(now, before, seconds: 1);

        Assert.Equal((0, 1_000), (signal.MeanActualMs, signal.MeanPredictedMs));
    }

    [Fact]
    public void Signal_NoPredictedArrivals_MeanPredictedIsZero()
    {
        var stats = Stats(completed: 5, runMsTotal: 50, predicted: 2, predictedMsTotal: 20);
        Assert.Equal(0, SignalReporter.Signal(stats, stats, seconds: 1).MeanPredictedMs);
    }

    [Fact]
    public void Signal_Backlog_CarriesQueuedTimesMeanPrediction()
    {
        var before = Stats(completed: 10, runMsTotal: 1_000, predicted: 4, predictedMsTotal: 400);
        var now = Stats(completed: 12, runMsTotal: 1_200, predicted: 8, predictedMsTotal: 2_400, queued: 30);
        Assert.Equal(30 * 500, SignalReporter.Signal(now, before, seconds: 1).QueuedWorkMs, 6);
    }

    [Fact]
    public void Signal_NoPredictionThisInterval_QueuedWorkFallsBackOnTheMeanSinceStart()
    {
        var stats = Stats(completed: 5, runMsTotal: 50, predicted: 2, predictedMsTotal: 200, queued: 10);
        Assert.Equal(10 * 100, SignalReporter.Signal(stats, stats, seconds: 1).QueuedWorkMs, 6);
    }
}
