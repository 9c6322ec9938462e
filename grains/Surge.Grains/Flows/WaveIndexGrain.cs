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
        index.State.Waves.Add(wave);
        if (index.State.Waves.Count > Kept) index.State.Waves.RemoveRange(0, index.State.Waves.Count - Kept);
        await index.WriteStateAsync();
    }

    public Task<string[]> RecentAsync(int max)
        => Task.FromResult(index.State.Waves.AsEnumerable().Reverse().Take(Math.Clamp(max, 0, Kept)).ToArray());
}
