namespace Surge.Prediction.Models;

/// <summary>The outcome of one retraining: the challenger, both scores, and whether it replaces the champion.</summary>
public sealed record ChallengeResult(SurgeModel Challenger, ModelEvaluation ChallengerScore, ModelEvaluation? ChampionScore, bool Promote, string Reason);

/// <summary>
/// Retrains on history and decides whether the new model may replace the one in use. Both are scored on the most
/// recent rows, which the challenger does not train on: the question is which predicts what happens now.
/// </summary>
public static class ChampionChallenger
{
    /// <summary>Share of the newest rows held out to judge champion and challenger.</summary>
    public const double HeldOutShare = 0.2;

    /// <summary>How much routing accuracy a challenger may lose and still win on duration errors.</summary>
    public const double RoutingTolerance = 0.005;

    /// <summary>
    /// Trains a challenger on all but the newest <see cref="HeldOutShare"/> of <paramref name="historyOldestFirst"/>,
    /// scores it and <paramref name="champion"/> (if any) on those newest rows, and says whether to promote it.
    /// </summary>
    public static ChallengeResult Run(IReadOnlyList<HistoryRow> historyOldestFirst, SurgeModel? champion, string version,
        DateTimeOffset now, double shortThresholdMs, double marginQuantile = ModelTrainer.DefaultMarginQuantile)
    {
        var heldOutCount = (int)(historyOldestFirst.Count * HeldOutShare);
        var training = historyOldestFirst.Take(historyOldestFirst.Count - heldOutCount).ToList();
        var heldOut = historyOldestFirst.Skip(training.Count).ToList();
        var challenger = ModelTrainer.Train(training, version, now, marginQuantile: marginQuantile);
        var challengerScore = ModelEvaluation.Of(r => challenger.Predict(r.Type, r.Features), heldOut, shortThresholdMs);
        var championScore = champion is null ? null : ModelEvaluation.Of(r => champion.Predict(r.Type, r.Features), heldOut, shortThresholdMs);
        var (promote, reason) = Decide(challengerScore, championScore);
        return new ChallengeResult(challenger, challengerScore, championScore, promote, reason);
    }

    /// <summary>A challenger wins with fewer duration guesses off by 2× and routing at least as accurate (within a tolerance).</summary>
    public static (bool Promote, string Reason) Decide(ModelEvaluation challenger, ModelEvaluation? champion)
    {
        if (champion is null) return (true, "no champion yet");
        if (challenger.OffBy2x >= champion.OffBy2x)
            return (false, $"off by 2x {challenger.OffBy2x:0.####} is not below the champion's {champion.OffBy2x:0.####}");
        if (challenger.RoutingAccuracy < champion.RoutingAccuracy - RoutingTolerance)
            return (false, $"routing accuracy {challenger.RoutingAccuracy:0.####} is below the champion's {champion.RoutingAccuracy:0.####}");
        return (true, $"off by 2x {challenger.OffBy2x:0.####} < {champion.OffBy2x:0.####}, routing accuracy {challenger.RoutingAccuracy:0.####} vs {champion.RoutingAccuracy:0.####}");
    }
}
