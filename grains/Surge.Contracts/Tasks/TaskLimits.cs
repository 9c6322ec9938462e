namespace Surge;

/// <summary>
/// The bounds a submission is checked against at the edge. Clients use <see cref="Default"/>; a silo passes its own
/// configured values (<c>Surge:Workers:MaxPayloadBytes</c>, <c>Surge:Tasks:MaxTimeout</c>), so a silo configured
/// tighter than the client still refuses what it would not run.
/// </summary>
/// <param name="MaxPayloadBytes">Largest payload, in bytes. Default 1 MiB.</param>
/// <param name="MaxTimeout">Longest <see cref="TaskSpec.Timeout"/>. Default 7 days.</param>
public sealed record TaskLimits(int MaxPayloadBytes, TimeSpan MaxTimeout)
{
    /// <summary>Longest timeout a task may ask for unless the silo is configured otherwise: 7 days.</summary>
    public static readonly TimeSpan DefaultMaxTimeout = TimeSpan.FromDays(7);

    /// <summary>1 MiB of payload, a timeout of at most 7 days: the silos' defaults.</summary>
    public static TaskLimits Default { get; } = new(TaskValidator.DefaultMaxPayloadBytes, DefaultMaxTimeout);
}
