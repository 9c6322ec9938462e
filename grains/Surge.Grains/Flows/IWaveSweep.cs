namespace Surge.Flows;

/// <summary>
/// The waves not finished yet, kept by the wave list (<see cref="WaveIndexGrain"/>) so that a silo's death wakes them
/// (<see cref="WaveKeeper"/>). Internal: no client may call it.
/// </summary>
internal interface IWaveSweep : IGrainWithIntegerKey
{
    /// <summary>
    /// Wakes every open wave, once per membership version: the first silo to see a death asks, and the others, seeing
    /// the same version, find it done.
    /// </summary>
    Task WakeOpenAsync(long membershipVersion);

    /// <summary>The wave finished, or no wave has this id: it leaves the open list.</summary>
    Task ClosedAsync(string wave);
}
