namespace Surge;

/// <summary>
/// The one percentile definition in Surge: nearest rank. The q-th percentile of n sorted samples is the sample at
/// rank ⌈q·n⌉ (1-based), clamped to the first and last: always a value that was measured, never an interpolation,
/// so a p99 over 100 latencies is the 99th smallest and a p99 over 10 is the largest.
/// </summary>
/// <remarks>
/// It lives in the predictor assembly because that is the lowest project every user of it can reference (the
/// margin of a trained model, the autoscale simulator, replay reports, benchmarks), while Surge.Contracts stays
/// referencing only the Orleans SDK. No samples gives <c>default</c> (0), which every caller reports as "none".
/// </remarks>
public static class Percentiles
{
    /// <summary>The nearest-rank <paramref name="q"/>-quantile (0 to 1) of samples already sorted ascending.</summary>
    public static T NearestRank<T>(ReadOnlySpan<T> sorted, double q)
    {
        if (!(q is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(q), q, "a quantile is between 0 and 1"); // NaN too
        return sorted.IsEmpty ? default! : sorted[Rank(sorted.Length, q)];
    }

    /// <summary>The nearest-rank <paramref name="q"/>-quantile of unsorted samples (sorts a copy).</summary>
    public static T Of<T>(IEnumerable<T> values, double q) => NearestRank<T>(values.Order().ToArray(), q);

    // 0-based index of rank ⌈q·n⌉; q·n is rounded first so that 0.07 · 100 (= 7.000000000000001 in doubles) is rank 7, not 8.
    private static int Rank(int count, double q) => Math.Clamp((int)Math.Ceiling(Math.Round(q * count, 9)) - 1, 0, count - 1);
}
