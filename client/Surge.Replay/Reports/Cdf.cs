namespace Surge.Replay.Reports;

/// <summary>Empirical cumulative distributions: what share of the values is at or below each x.</summary>
public static class Cdf
{
    /// <summary>
    /// The empirical CDF of <paramref name="values"/> (non-finite ones left out) in at most <paramref name="maxPoints"/>
    /// points: (value, share of values ≤ value), x and y both rising. With more values than points it keeps evenly spaced
    /// ranks, always the smallest and the largest, so a quantile read off the line is within about 1 / maxPoints of the truth.
    /// </summary>
    public static ChartPoint[] Of(IEnumerable<double> values, int maxPoints = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        var n = sorted.Length;
        if (n == 0) return [];
        var ranks = n <= maxPoints
            ? Enumerable.Range(0, n)
            : Enumerable.Range(0, maxPoints).Select(k => (int)Math.Round((double)k * (n - 1) / (maxPoints - 1))).Distinct();
        // Equal values share one point, at the highest rank: the CDF at x counts every value equal to x.
        return [.. ranks.Select(i => new ChartPoint(sorted[i], (double)(LastEqual(sorted, i) + 1) / n)).DistinctBy(p => p.X)];
    }

    // A binary search: a million equal values must not cost a million steps for each of them.
    private static int LastEqual(double[] sorted, int i)
    {
        int low = i, high = sorted.Length - 1;
        while (low < high)
        {
            var mid = low + (high - low + 1) / 2;
            if (sorted[mid] == sorted[i]) low = mid;
            else high = mid - 1;
        }
        return low;
    }
}
