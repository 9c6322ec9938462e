using System.Globalization;

namespace Surge.Flows;

/// <summary>A wave's date: a day (<c>yyyy-MM-dd</c>) or an hour (<c>yyyy-MM-ddTHH</c>), part of every pipe key.</summary>
public static class WaveDates
{
    private static readonly string[] Formats = ["yyyy-MM-dd", "yyyy-MM-dd'T'HH"];

    /// <summary>The UTC day of <paramref name="now"/>: a wave's date when its request names none.</summary>
    public static string Today(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Throws <see cref="SurgeValidationException"/> unless <paramref name="date"/> is a day or an hour.</summary>
    public static string Validate(string date)
        => DateTime.TryParseExact(date, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? date
            : throw new SurgeValidationException("date", $"\"{date}\" is not a date; write yyyy-MM-dd, or yyyy-MM-ddTHH for hourly waves");
}
