namespace Surge.Replay.Reports;

/// <summary>Where an axis puts its labelled ticks: round numbers a reader can take in at a glance.</summary>
public static class AxisTicks
{
    /// <summary>
    /// About <paramref name="target"/> ticks covering [min, max], at steps of 1, 2 or 5 × 10^k; the first tick is at or
    /// below <paramref name="min"/> and the last at or above <paramref name="max"/>, so the axis can span the ticks.
    /// </summary>
    public static double[] Linear(double min, double max, int target = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(target, 2);
        if (!double.IsFinite(min) || !double.IsFinite(max)) throw new ArgumentException("the range must be finite");
        if (max < min) (min, max) = (max, min);
        if (max == min) (min, max) = min == 0 ? (0, 1) : (Math.Min(0, min), Math.Max(0, max));
        var step = NiceStep((max - min) / (target - 1));
        var first = Math.Floor(min / step) * step;
        var last = Math.Ceiling(max / step) * step;
        var count = (int)Math.Round((last - first) / step) + 1;
        // Rounded to the step's decimals: 0.1 * 3 is 0.30000000000000004, which would print as such.
        var decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step)));
        return [.. Enumerable.Range(0, count).Select(i => Math.Round(first + i * step, Math.Min(15, decimals)))];
    }

    /// <summary>
    /// Ticks of a logarithmic axis over [min, max] (both &gt; 0): the powers of ten around them, and 2 and 5 times each
    /// when there are fewer than three decades to label.
    /// </summary>
    public static double[] Log(double min, double max)
    {
        if (!(min > 0) || !(max > 0) || !double.IsFinite(min) || !double.IsFinite(max)) throw new ArgumentException("a log axis needs a finite range above 0");
        if (max < min) (min, max) = (max, min);
        var low = (int)Math.Floor(Math.Log10(min));
        var high = (int)Math.Ceiling(Math.Log10(max));
        if (high == low) high++;
        var decades = Enumerable.Range(low, high - low + 1).Select(e => Math.Pow(10, e)).ToList();
        if (high - low >= 3) return [.. decades];
        return [.. decades.SelectMany(d => new[] { d, 2 * d, 5 * d }).Where(t => t <= decades[^1])];
    }

    /// <summary>The tick's label: short, no exponent for the values charts here show, no trailing zeros.</summary>
    public static string Label(double value)
    {
        var abs = Math.Abs(value);
        return abs switch
        {
            >= 1e9 => (value / 1e9).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "G",
            >= 1e6 => (value / 1e6).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "M",
            >= 1e4 => (value / 1e3).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "k",
            _ => value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static double NiceStep(double rough)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / magnitude;
        return (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * magnitude;
    }
}
