using System.Globalization;

namespace Surge;

/// <summary>
/// A duration as people and scripts write it: a number of seconds (<c>300</c>, <c>2.5</c>), .NET's <c>00:05:00</c>, or
/// ISO 8601's <c>PT5M</c>. The HTTP API's <c>timeout</c>, the CLI's <c>--timeout</c> and a flow file's durations read
/// it alike. A bare number is seconds: <see cref="TimeSpan.TryParse(string, IFormatProvider, out TimeSpan)"/> would read
/// <c>5</c> as five days.
/// </summary>
internal static class DurationText
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (!double.IsFinite(seconds) || Math.Abs(seconds) >= TimeSpan.MaxValue.TotalSeconds) return false;
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration)) return true;
        try
        {
            duration = System.Xml.XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException) // OverflowException: past TimeSpan's range, e.g. P99999999D
        {
            return false;
        }
    }
}
