namespace Surge.Schedules;

/// <summary>What the schedule's timer does after an instant's submission ended.</summary>
internal enum CadenceStep
{
    /// <summary>Nothing: the timer is armed for the next instant already.</summary>
    None,

    /// <summary>Due instants waited for a free place (<see cref="ScheduleCadence.MostInFlight"/>): fire again at once.</summary>
    FireNow,

    /// <summary>The latest instant started failed: fire again after a pause, from the last instant stored.</summary>
    RetryLater,
}

/// <summary>
/// Which of a schedule's instants are under way. Pure: the grain submits and stores what these say. An instant starts
/// without waiting for the one before it to be acknowledged (up to <see cref="MostInFlight"/> at once), so one whose
/// task shard is failing over waits alone while the schedule keeps its cadence on the other shards. The stored last
/// instant only moves forward, whatever order acknowledgments come in. A failure of the latest instant started lets the
/// next fire start again from the stored one (the latest due then); an older one's failure is covered by the later
/// instant under way, as missed instants collapse into the latest.
/// </summary>
internal sealed class ScheduleCadence
{
    /// <summary>Instants whose submission may be under way at once: past it, due instants wait, and collapse into the latest.</summary>
    public const int MostInFlight = 8;

    private DateTimeOffset? _lastStarted;

    /// <summary>Submissions under way.</summary>
    public int InFlight { get; private set; }

    /// <summary>Instants up to this one are stored (<paramref name="lastFired"/>) or under way: the next starts after it.</summary>
    public DateTimeOffset? StartedUpTo(DateTimeOffset? lastFired) => _lastStarted > lastFired ? _lastStarted : lastFired;

    /// <summary>The instant to submit now, counted as under way; null when none is due, the schedule is paused, or too many are under way.</summary>
    public DateTimeOffset? Start(ScheduleSpec spec, DateTimeOffset? lastFired, bool paused, DateTimeOffset now)
    {
        if (InFlight >= MostInFlight || ScheduleRules.Due(spec, StartedUpTo(lastFired), paused, now) is not { } instant) return null;
        _lastStarted = instant;
        InFlight++;
        return instant;
    }

    /// <summary>An acknowledged instant is stored as the last fired only if no later one was stored first.</summary>
    public static bool Stores(DateTimeOffset? lastFired, DateTimeOffset instant) => !(lastFired >= instant);

    /// <summary>The submission of <paramref name="instant"/> ended (acknowledged and stored, or not): what the timer does next.</summary>
    public CadenceStep Ended(DateTimeOffset instant, bool failed)
    {
        var wasFull = InFlight == MostInFlight;
        InFlight--;
        if (failed && _lastStarted == instant)
        {
            _lastStarted = null;
            return CadenceStep.RetryLater;
        }
        return wasFull ? CadenceStep.FireNow : CadenceStep.None;
    }

    /// <summary>The schedule changed (set anew, resumed): it counts from its stored last instant again.</summary>
    public void Restart() => _lastStarted = null;
}
