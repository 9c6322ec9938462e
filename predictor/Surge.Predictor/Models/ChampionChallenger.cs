namespace Surge.Prediction.Models;

/// <summary>
/// The outcome of one retraining: the challenger, its score and that of what it was measured against (the champion,
/// or before there is one the per-type baseline), and whether it replaces the champion.
/// </summary>
public sealed record ChallengeResult(SurgeModel Challenger, ModelEvaluation ChallengerScore, ModelEvaluation? ChampionScore, bool Promote, string Reason,
    ModelEvaluation? BaselineScore = null);

/// <summary>
/// Retrains on history and decides whether the new model may replace the one in use. Both are scored on the most
/// recent rows, which the challenger does not train on: the question is which predicts what happens now.
/// </summary>
public static class ChampionChallenger
{
    /// <summary>Share of the newest rows held out to judge champion and challenger.</summary>
    public const double HeldOutShare = 0.2;

    /// <summary>How much routing accuracy a challenger may lose and still win.</summary>
    public const double RoutingTolerance = 0.005;

    /// <summary>
    /// How much worse, relative to the incumbent's figure, a challenger may be on duration errors (off by 2×) or on
    /// memory errors (median relative error) and still win on the other. 5%: at the minimum history's 400 held-out
    /// rows, a median's sampling noise is about that share of itself, so a smaller difference says nothing; and a
    /// loss that small costs routing and memory admission little, while a real gain on the other measure gets through.
    /// Relative, because both figures span orders of magnitude (off by 2× is 0.3% for a good model, 20% for the
    /// baseline): an absolute allowance that is noise for one is a doubling for the other.
    /// </summary>
    public const double ErrorTolerance = 0.05;

    /// <summary>
    /// Added to <see cref="ErrorTolerance"/>: a tenth of a point, so that between two figures near 0 (memory off by
    /// 0.19% against 0.23%) a few rows' noise does not block a real gain on the other measure.
    /// </summary>
    public const double ErrorFloor = 0.001;

    /// <summary>
    /// Trains a challenger on all but the newest <see cref="HeldOutShare"/> of <paramref name="historyOldestFirst"/>,
    /// scores it and <paramref name="champion"/> on those newest rows, and says whether to promote it. Without a
    /// champion it is measured against the per-type baseline fed the same training rows: a first model trained on
    /// little or skewed history must not replace a baseline that predicts better.
    /// </summary>
    public static ChallengeResult Run(IReadOnlyList<HistoryRow> historyOldestFirst, SurgeModel? champion, string version,
        DateTimeOffset now, double shortThresholdMs, double marginQuantile = ModelTrainer.DefaultMarginQuantile)
    {
        var heldOutCount = (int)(historyOldestFirst.Count * HeldOutShare);
        var training = historyOldestFirst.Take(historyOldestFirst.Count - heldOutCount).ToList();
        var heldOut = historyOldestFirst.Skip(training.Count).ToList();
        var challenger = ModelTrainer.Train(training, version, now, marginQuantile: marginQuantile);
        var challengerScore = ModelEvaluation.Of(r => challenger.Predict(r.Type, r.Features), heldOut, shortThresholdMs);
        if (champion is not null)
        {
            var championScore = ModelEvaluation.Of(r => champion.Predict(r.Type, r.Features), heldOut, shortThresholdMs);
            var (promote, reason) = Decide(challengerScore, championScore, "champion");
            return new ChallengeResult(challenger, challengerScore, championScore, promote, reason);
        }
        // Oldest first, as silos feed it: the baseline weights recent executions more.
        var baseline = new BaselinePredictor();
        foreach (var row in training) baseline.Observe(row.Type, row.Features, row.DurationMs, row.MemoryMb);
        var baselineScore = ModelEvaluation.Of(r => baseline.Predict(r.Type, r.Features), heldOut, shortThresholdMs);
        var (first, why) = Decide(challengerScore, baselineScore, "baseline");
        return new ChallengeResult(challenger, challengerScore, null, first, why, baselineScore);
    }

    /// <summary>
    /// A challenger wins when it is better than <paramref name="incumbent"/> on duration errors (off by 2×) or on memory
    /// errors (median relative error), worse on neither by more than <see cref="ErrorTolerance"/> of the incumbent's
    /// figure plus <see cref="ErrorFloor"/>, and routes at least as accurately (within <see cref="RoutingTolerance"/>). Memory counts as much as
    /// duration: admission starts tasks on predicted memory, so a worse memory model risks running out of it.
    /// <paramref name="incumbentName"/> names the incumbent in the reason.
    /// </summary>
    public static (bool Promote, string Reason) Decide(ModelEvaluation challenger, ModelEvaluation incumbent, string incumbentName = "champion")
    {
        var duration = $"off by 2x {challenger.OffBy2x:0.####} vs the {incumbentName}'s {incumbent.OffBy2x:0.####}";
        var memory = $"memory error {challenger.MemoryMedianRelError:0.####} vs the {incumbentName}'s {incumbent.MemoryMedianRelError:0.####}";
        var routing = $"routing accuracy {challenger.RoutingAccuracy:0.####} vs the {incumbentName}'s {incumbent.RoutingAccuracy:0.####}";
        if (WorseBeyondTolerance(challenger.OffBy2x, incumbent.OffBy2x))
            return (false, $"{duration}: worse beyond the tolerance");
        if (WorseBeyondTolerance(challenger.MemoryMedianRelError, incumbent.MemoryMedianRelError))
            return (false, $"{memory}: worse beyond the tolerance");
        if (challenger.RoutingAccuracy < incumbent.RoutingAccuracy - RoutingTolerance)
            return (false, $"{routing}: lower");
        if (challenger.OffBy2x >= incumbent.OffBy2x && challenger.MemoryMedianRelError >= incumbent.MemoryMedianRelError)
            return (false, $"better on neither: {duration}, {memory}");
        return (true, $"{duration}, {memory}, {routing}");
    }

    private static bool WorseBeyondTolerance(double challenger, double incumbent) => challenger > incumbent * (1 + ErrorTolerance) + ErrorFloor;
}
