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

    /// <summary>
    /// <see cref="Parse"/>, refusing an expression that never fires after <paramref name="now"/> (30 February, the 31st
    /// of a month of 30 days): registered, such a schedule would be listed and never run. Where a schedule is set, not
    /// at each instant.
    /// </summary>
    public static CronExpression ParseFiring(string? cron, DateTimeOffset now)
    {
        var parsed = Parse(cron);
        if (parsed.GetNextOccurrence(now, TimeZoneInfo.Utc) is null)
        {
            throw new SurgeValidationException("cron",
                $"'{cron}' never fires: no date matches its day-of-month and month fields together (e.g. 30 February); check them, or use L for a month's last day");
        }
        return parsed;
    }

    /// <summary>The latest instant in (<paramref name="after"/>, <paramref name="upTo"/>], or null: missed instants collapse into one.</summary>
    /// <remarks>
    /// Searched back from <paramref name="upTo"/> in windows that double (a minute, two, four…), not walked forward
    /// from <paramref name="after"/>, whose cost grew with the pause: an every-second schedule resumed ten years after
    /// its last instant stepped through 315 million instants (9 s here) inside one grain call, at every wake. Each
    /// window costs its own instants, and an empty one a single lookup.
    /// </remarks>
    public static DateTimeOffset? LatestDue(CronExpression cron, DateTimeOffset after, DateTimeOffset upTo)
    {
        if (upTo <= after) return null;
        var span = upTo - after;
        for (var window = TimeSpan.FromMinutes(1); ; window += window)
        {
            var from = window < span ? upTo - window : after;
            DateTimeOffset? latest = null;
            for (var next = cron.GetNextOccurrence(from, TimeZoneInfo.Utc); next is { } n && n <= upTo; next = cron.GetNextOccurrence(n, TimeZoneInfo.Utc))
                latest = n;
            // Found in (from, upTo]: nothing later exists. An instant at from itself is in the next, wider window.
            if (latest is not null || from == after) return latest;
        }
    }
}
