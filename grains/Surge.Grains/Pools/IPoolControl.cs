namespace Surge.Pools;

/// <summary>What the runtime itself asks of one silo's pools (the grain keyed by the silo's address; not for clients).</summary>
internal interface IPoolControl : IGrainWithStringKey
{
    /// <summary>Cancels the task in this silo's pools, if they hold it. False when they do not.</summary>
    Task<bool> CancelAsync(string taskId);

    /// <summary>
    /// <see cref="CancelAsync"/>, and from now on this silo takes no dispatch of that attempt of the task's record (nor an
    /// earlier one): its batch may still be on its way, and a cancelled task never starts. What shards now call.
    /// </summary>
    Task<bool> CancelDispatchAsync(DispatchProbe dispatch);

    /// <summary>
    /// Which of these tasks this silo's pools hold: queued, running, or reporting their outcome. What shards of earlier
    /// versions ask (a rolling upgrade); shards now ask <see cref="ProbeAsync"/>, whose answer binds.
    /// </summary>
    Task<string[]> HeldAsync(string[] taskIds);

    /// <summary>
    /// Which of these dispatches this silo's pools hold: queued, running, or reporting (or a run here answers for it).
    /// A shard asks after a batch to this silo failed in a way that leaves open whether it arrived, and runs again what
    /// is not held; so from now on this silo takes none of them, nor an earlier attempt of their tasks: a batch still
    /// on its way is dropped when it arrives (reported never started).
    /// </summary>
    Task<string[]> ProbeAsync(DispatchProbe[] dispatches);

    /// <summary>
    /// Whether this silo drains (SIGTERM, a spot reclaim): it takes no new work and leaves soon, though membership still
    /// calls it active until Orleans stops it. A shard asks before it moves here.
    /// </summary>
    Task<bool> IsDrainingAsync();

    /// <summary>
    /// Silo <paramref name="silo"/> drains and stops within <paramref name="stopsWithin"/>: this silo places no shard,
    /// grain or pool work there meanwhile (<see cref="DrainingSilos"/>). What a draining silo tells every other active silo as it starts.
    /// </summary>
    Task SiloDrainsAsync(SiloAddress silo, TimeSpan stopsWithin);
}

/// <summary>
/// A dispatch a shard asks a silo about: the task, the attempt its record counted for that dispatch, and when that
/// record was submitted (null from older shards): an id submitted again once its record is forgotten (purged, or past
/// retention) counts its attempts from 1 again, and no bar of the earlier record is the new one's.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record DispatchProbe([property: Id(0)] string TaskId, [property: Id(1)] int Attempt, [property: Id(2)] DateTimeOffset? SubmittedAt = null);
