using Cronos;

namespace Surge.Schedules;

/// <summary>Cron expressions as Surge reads them: five fields, or six with seconds first; always UTC.</summary>
internal static class CronSchedule
{
    public static CronExpression Parse(string? cron)
    {
        var fields = cron?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length ?? 0;
        if (fields is not (5 or 6))
            throw new SurgeValidationException("cron", $"'{cron}' has {fields} fields; give five (minute hour day month weekday, e.g. '*/5 * * * *') or six with seconds first");
        try
        {
            return CronExpression.Parse(cron!, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new SurgeValidationException("cron", $"'{cron}' is not a cron expression: {e.Message}");
        }
    }

    /// <summary>The latest instant in (<paramref name="after"/>, <paramref name="upTo"/>], or null: missed instants collapse into one.</summary>
    public static DateTimeOffset? LatestDue(CronExpression cron, DateTimeOffset after, DateTimeOffset upTo)
    {
        DateTimeOffset? latest = null;
        for (var next = cron.GetNextOccurrence(after, TimeZoneInfo.Utc); next is { } n && n <= upTo; next = cron.GetNextOccurrence(n, TimeZoneInfo.Utc))
            latest = n;
        return latest;
    }
}
