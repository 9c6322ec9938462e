namespace Surge.Flows;

[GenerateSerializer]
internal sealed class WaveIndex
{
    [Id(0)] public List<string> Waves { get; set; } = [];

    /// <summary>Started and not finished, oldest first: what a silo's death wakes (<see cref="IWaveSweep"/>).</summary>
    [Id(1)] public List<string> Open { get; set; } = [];
}

/// <summary>
/// The latest <see cref="Kept"/> waves started, latest last; older ones stay readable by id. Also the waves not
/// finished yet, up to <see cref="MaxOpen"/>: beyond that, the oldest open wave is woken only by its own reminder.
/// </summary>
internal sealed class WaveIndexGrain([PersistentState("waves", SurgeStorage.Name)] IPersistentState<WaveIndex> index)
    : Grain, IWaveIndexGrain, IWaveSweep
{
    private const int Kept = 200;
    internal const int MaxOpen = 1_000;
    private long _sweptVersion = -1;

    public async Task AddAsync(string wave)
    {
        if (index.State.Waves.Contains(wave)) return;
        var (previous, open) = (index.State.Waves, index.State.Open);
        // New lists, so a write the store refused leaves the stored ones in memory, and a retry writes again.
        index.State.Waves = [.. previous.Skip(Math.Max(0, previous.Count + 1 - Kept)), wave];
        index.State.Open = [.. open.Skip(Math.Max(0, open.Count + 1 - MaxOpen)), wave];
        await index.WriteOrUndoAsync(this, () => (index.State.Waves, index.State.Open) = (previous, open), $"wave '{wave}' in the list");
    }

    public Task<string[]> RecentAsync(int max)
        => Task.FromResult(index.State.Waves.AsEnumerable().Reverse().Take(Math.Clamp(max, 0, Kept)).ToArray());

    public Task WakeOpenAsync(long membershipVersion)
    {
        if (membershipVersion <= _sweptVersion) return Task.CompletedTask;
        _sweptVersion = membershipVersion;
        foreach (var wave in index.State.Open) GrainFactory.GetGrain<IWaveWake>(wave).WakeAsync().Ignore();
        return Task.CompletedTask;
    }

    public async Task ClosedAsync(string wave)
    {
        var open = index.State.Open;
        if (!open.Contains(wave)) return;
        index.State.Open = [.. open.Where(w => w != wave)];
        await index.WriteOrUndoAsync(this, () => index.State.Open = open, $"wave '{wave}' off the open list");
    }
}
