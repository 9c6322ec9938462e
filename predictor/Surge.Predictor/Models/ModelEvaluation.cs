namespace Surge.Prediction.Models;

/// <summary>How good a predictor is on held-out history, in the terms routing and admission care about.</summary>
/// <param name="ShortLongAccuracy">Share of tasks whose likely duration falls on the right side of the threshold.</param>
/// <param name="OffBy2x">Share of duration guesses off by a factor of 2 or more.</param>
/// <param name="MemoryMedianRelError">Median of |guess − actual| / actual memory.</param>
/// <param name="RoutingAccuracy">Share routed to the right pool by the pessimistic guess that routing uses.</param>
/// <param name="LongAsShort">Share of long tasks that routing would send to the short pool: the harmful mistake.</param>
public sealed record ModelEvaluation(double ShortLongAccuracy, double OffBy2x, double MemoryMedianRelError, double RoutingAccuracy, double LongAsShort)
{
    /// <summary>Scores <paramref name="predict"/> against what really happened in <paramref name="rows"/>.</summary>
    public static ModelEvaluation Of(Func<HistoryRow, TaskPrediction> predict, IReadOnlyList<HistoryRow> rows, double shortThresholdMs)
    {
        int sides = 0, off = 0, routed = 0, longs = 0, longAsShort = 0;
        var memoryErrors = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var p = predict(row);
            var isShort = row.DurationMs < shortThresholdMs;
            var guess = double.IsFinite(p.DurationMs) ? p.DurationMs : double.MaxValue;
            var upper = p.Confident && double.IsFinite(p.UpperDurationMs) ? p.UpperDurationMs : double.MaxValue; // unsure: long
            if (guess < shortThresholdMs == isShort) sides++;
            if (upper < shortThresholdMs == isShort) routed++;
            if (!isShort)
            {
                longs++;
                if (upper < shortThresholdMs) longAsShort++;
            }
            var ratio = Math.Max(guess, 0.001) / Math.Max(row.DurationMs, 0.001);
            if (ratio >= 2 || ratio <= 0.5) off++;
            memoryErrors[i] = row.MemoryMb > 0 && double.IsFinite(p.MemoryMb) ? Math.Abs(p.MemoryMb - row.MemoryMb) / row.MemoryMb : 1;
        }
        Array.Sort(memoryErrors);
        var n = Math.Max(1, rows.Count);
        return new ModelEvaluation(
            Math.Round((double)sides / n, 4),
            Math.Round((double)off / n, 4),
            Math.Round(Percentiles.NearestRank<double>(memoryErrors, 0.5), 4),
            Math.Round((double)routed / n, 4),
            Math.Round(longs == 0 ? 0 : (double)longAsShort / longs, 4));
    }
}
