namespace Surge.Flows;

[GenerateSerializer]
internal sealed class WaveIndex
{
    [Id(0)] public List<string> Waves { get; set; } = [];
}

/// <summary>The latest <see cref="Kept"/> waves started, latest last; older ones stay readable by id.</summary>
internal sealed class WaveIndexGrain([PersistentState("waves", SurgeStorage.Name)] IPersistentState<WaveIndex> index) : Grain, IWaveIndexGrain
{
    private const int Kept = 200;

    public async Task AddAsync(string wave)
    {
        if (index.State.Waves.Contains(wave)) return;
        var previous = index.State.Waves;
        // A new list, so a write the store refused leaves the stored one in memory, and a retry writes again.
        List<string> next = [.. previous.Skip(Math.Max(0, previous.Count + 1 - Kept)), wave];
        index.State.Waves = next;
        await index.WriteOrUndoAsync(() => index.State.Waves = previous, $"wave '{wave}' in the list");
    }

    public Task<string[]> RecentAsync(int max)
        => Task.FromResult(index.State.Waves.AsEnumerable().Reverse().Take(Math.Clamp(max, 0, Kept)).ToArray());
}
