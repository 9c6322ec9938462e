namespace Surge.Flows;

/// <summary>
/// Wave ids clients may not choose: a scheduled wave's id (<c>schedule.NAME.INSTANT</c>, see
/// <see cref="ScheduleSpec.WaveFor(DateTimeOffset)"/>) is predictable, and a wave id is its idempotency key, so a client that started
/// that id first would replace the scheduled wave with its own.
/// </summary>
public static class WaveIds
{
    /// <summary>The prefix of the ids of waves that schedules start.</summary>
    public const string ScheduledPrefix = "schedule.";

    /// <summary>True when <paramref name="id"/> starts with <see cref="ScheduledPrefix"/>.</summary>
    public static bool IsReserved(string? id) => id is not null && id.StartsWith(ScheduledPrefix, StringComparison.Ordinal);

    /// <summary>Throws when a client's wave id is one only a schedule may start.</summary>
    public static void RefuseReserved(string? id)
    {
        if (IsReserved(id))
            throw new SurgeValidationException("wave", $"wave ids starting with '{ScheduledPrefix}' are reserved for the waves schedules start; choose another id, or schedule the wave (ScheduleSpec.ForWave)");
    }
}
