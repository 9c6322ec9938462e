using System.Collections.Immutable;
using System.Text;

namespace Surge;

/// <summary>
/// A recurring submission: at each instant of <see cref="Cron"/> (UTC) a task of <see cref="Type"/> with
/// <see cref="Payload"/> is submitted, with the id <c>schedule:&lt;name&gt;:&lt;instant&gt;</c>, so an instant runs once.
/// </summary>
/// <param name="Name">Unique name; registering a name again replaces its schedule.</param>
/// <param name="Cron">Five fields (minute hour day month weekday) or six (seconds first), UTC, e.g. <c>*/5 * * * *</c>.</param>
/// <param name="Type">Task type each submission has; a handler must be registered for it on the silos. Empty for a wave.</param>
/// <param name="Payload">Bytes each submission carries (JSON by convention).</param>
/// <param name="Wave">When set, each instant starts a wave of this flow over this state instead of submitting a task.</param>
[GenerateSerializer, Immutable]
public sealed record ScheduleSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] string Cron,
    [property: Id(2)] string Type,
    [property: Id(3)] ReadOnlyMemory<byte> Payload,
    [property: Id(4)] WaveSchedule? Wave = null)
{
    /// <summary>A schedule that starts a wave of <paramref name="flow"/> over <paramref name="state"/> at each instant.</summary>
    public static ScheduleSpec ForWave(string name, string cron, string flow, string state, bool hourly = false)
        => new(name, cron, "", ReadOnlyMemory<byte>.Empty, new WaveSchedule(flow, state, hourly));

    /// <summary>
    /// The wave started for <paramref name="instant"/>: its id is derived from the instant, so a second start is a no-op,
    /// and its date is the instant's day (or hour, for an hourly schedule).
    /// </summary>
    public WaveRequest? WaveFor(DateTimeOffset instant) => WaveFor(instant, manual: false);

    /// <summary>
    /// <see cref="WaveFor(DateTimeOffset)"/>; <paramref name="manual"/>: an operator's "trigger now", whose id (to the
    /// millisecond, marked <c>m</c>) is never an instant's.
    /// </summary>
    internal WaveRequest? WaveFor(DateTimeOffset instant, bool manual)
    {
        if (Wave is not { } wave) return null;
        var date = instant.UtcDateTime.ToString(wave.Hourly ? "yyyy-MM-dd'T'HH" : "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var stamp = manual ? $"m{instant.UtcDateTime:yyyyMMddTHHmmssfff}" : $"{instant.UtcDateTime:yyyyMMddTHHmmss}";
        var prefix = Flows.WaveIds.ScheduledPrefix;
        return new WaveRequest(wave.Flow, wave.State, date, WaveId: $"{prefix}{WaveName(MaxWaveId - prefix.Length - 1 - stamp.Length)}.{stamp}");
    }

    // A wave id is a name (letters, digits, '.', '_', '-'; at most 64 characters).
    private const int MaxWaveId = 64;

    // The schedule's part of its waves' ids: its name where that is a name short enough; otherwise its start, made safe,
    // and a hash of the whole name, so names that differ only past the cut or in characters made safe get ids of their own.
    private string WaveName(int room)
    {
        if (Name.Length <= room && Name.All(IsSafe)) return Name;
        var safe = new string([.. Name.Take(room - 9).Select(c => IsSafe(c) ? c : '-')]);
        return $"{safe}-{TaskShards.Hash(Name):x8}";

        static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
    }


    /// <summary>A schedule whose tasks carry <paramref name="payloadJson"/> as UTF-8.</summary>
    public static ScheduleSpec Create(string name, string cron, string type, string payloadJson = "{}")
        => new(name, cron, type, Encoding.UTF8.GetBytes(payloadJson));

    /// <summary>The task submitted for <paramref name="instant"/>: its id makes a second submission of that instant a no-op.</summary>
    public TaskSpec TaskFor(DateTimeOffset instant)
        => new($"schedule:{Name}:{instant.UtcDateTime:yyyyMMddTHHmmssZ}", Type, Payload, ImmutableDictionary<string, FeatureValue>.Empty);
}

/// <summary>A registered schedule and when it fires next (null while <paramref name="Paused"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record ScheduleStatus(
    [property: Id(0)] ScheduleSpec Spec,
    [property: Id(1)] DateTimeOffset? LastFired,
    [property: Id(2)] DateTimeOffset? NextFire,
    [property: Id(3)] bool Paused = false);
