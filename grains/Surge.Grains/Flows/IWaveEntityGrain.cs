using Orleans.Concurrency;

namespace Surge.Flows;

/// <summary>The run of one entity's graph in one wave, keyed <c>{wave}/{entity}</c>. Silos only.</summary>
internal interface IWaveEntityGrain : IGrainWithStringKey
{
    /// <summary>Starts the entity's run (once: a second call returns its progress).</summary>
    Task<EntityProgress> StartAsync(FlowPlan plan);

    /// <summary>Its progress, and its run resumed if a crash stopped it; null if it never started.</summary>
    [AlwaysInterleave]
    Task<EntityProgress?> GetAsync();
}

/// <summary>Where a wave hears of its entities' progress. Silos only.</summary>
internal interface IWaveProgress : IGrainWithStringKey
{
    [OneWay]
    Task ReportAsync(string entity, EntityProgress progress);

    /// <summary>
    /// An entity's last report, answered once the wave has it: were it the last one, once the wave's finish is stored.
    /// </summary>
    Task ReportDoneAsync(string entity, EntityProgress progress);
}

internal static class WaveKeys
{
    public static string Entity(string wave, string entity) => $"{wave}/{entity}";

    /// <summary>Wave ids are names (no '/'), so the first '/' splits the key.</summary>
    public static (string Wave, string Entity) Split(string key)
    {
        var slash = key.IndexOf('/');
        return (key[..slash], key[(slash + 1)..]);
    }
}
