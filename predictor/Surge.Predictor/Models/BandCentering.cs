namespace Surge.Prediction.Models;

/// <summary>
/// Per task type, where the likely duration belongs so that the most held-out durations are within 2× of it: the
/// centre of the densest band, a factor of 4 wide, of log-ratios (actual ÷ regression), or of the durations
/// themselves when one number for the whole type does at least as well.
/// </summary>
/// <remarks>
/// Why: the trees fit the mean of log(1 + duration), which is not where a "within 2×" guess belongs when a type's
/// durations are not symmetric in log space. Uniform 4–14 ms has its mean log at 8.6 ms, and every run under 4.3 ms is
/// then off by 2×, although 7.5 ms (the geometric middle) is within 2× of all of them. For a lognormal spread the
/// densest band is centred on the median already and the factor stays about 1. One entry per type costs a lookup.
/// </remarks>
public static class BandCentering
{
    /// <summary>Held-out rows a type needs before its factor is trusted; below, it keeps the trees' guess (factor 1).</summary>
    public const int MinRows = 30;

    /// <summary>
    /// Share of a type's held-out rows a shift must bring within 2× to be kept. Below it, the gain is noise (a
    /// lognormal spread is flat near its median) and a shift would only move guesses across the short/long threshold.
    /// </summary>
    public const double MinGain = 0.01;

    // Half the band's width, a hair narrower than log 2: durations are rounded, and 2.0 and 8.0 ms are exactly 4×
    // apart, which log arithmetic may put just inside the band although a guess cannot be within 2× of both.
    private static readonly double Band = Math.Log(2) - 1e-9;

    /// <summary>
    /// For each type with enough held-out rows, either the log of the factor that centres the model's guesses
    /// (guess × e^shift), or, when a single duration is within 2× of at least as many of its rows, that duration:
    /// a type whose features say nothing about its duration is guessed best by one number, not by trees fitting noise.
    /// </summary>
    public static (Dictionary<string, double> Shifts, Dictionary<string, double> Constants) Fit(IEnumerable<(string Type, double GuessMs, double ActualMs)> heldOut)
    {
        var shifts = new Dictionary<string, double>(StringComparer.Ordinal);
        var constants = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var type in heldOut.GroupBy(r => r.Type, StringComparer.Ordinal))
        {
            var rows = type.ToArray();
            if (rows.Length < MinRows) continue;
            var ratios = rows.Select(r => LogRatio(r.ActualMs, r.GuessMs)).Order().ToArray();
            var shift = Centre(ratios, out var centredWithin);
            var actuals = rows.Select(r => Math.Log(Math.Max(r.ActualMs, 0.001))).Order().ToArray();
            var constant = Centre(actuals, out var constantWithin);
            if (constantWithin >= centredWithin) constants[type.Key] = Math.Exp(constant);
            else if (centredWithin - Within(ratios, 0) >= MinGain * rows.Length) shifts[type.Key] = shift;
        }
        return (shifts, constants);
    }

    /// <summary>
    /// The shift that leaves the most sorted log-ratios strictly within ±log 2 of it; among equally good bands, the
    /// narrowest, whose middle leaves the most room on both sides.
    /// </summary>
    internal static double Centre(ReadOnlySpan<double> sorted, out int within)
    {
        int bestCount = 0;
        double bestSpan = double.MaxValue, best = 0;
        for (int i = 0, j = 0; i < sorted.Length; i++)
        {
            if (j < i) j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] - sorted[i] < 2 * Band) j++;
            var count = j - i + 1;
            var span = sorted[j] - sorted[i];
            if (count > bestCount || (count == bestCount && span < bestSpan))
            {
                (bestCount, bestSpan) = (count, span);
                best = (sorted[i] + sorted[j]) / 2;
            }
        }
        within = bestCount;
        return best;
    }

    private static int Within(ReadOnlySpan<double> sorted, double shift)
    {
        var within = 0;
        foreach (var r in sorted) if (Math.Abs(r - shift) < Band) within++;
        return within;
    }

    // The ratio the off-by-2x count reads (ModelEvaluation), in logs.
    internal static double LogRatio(double actualMs, double guessMs) => Math.Log(Math.Max(actualMs, 0.001) / Math.Max(guessMs, 0.001));
}
