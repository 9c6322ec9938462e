using Surge.Policies;

namespace Surge.Tasks;

// The result cache of deterministic types: an optimisation, so a cache that cannot be reached only means running.
internal sealed partial class TaskShardGrain
{
    private async Task<ReadOnlyMemory<byte>?> FromCacheAsync(TaskSpec spec)
    {
        if (cache.KeyOf(spec) is not { } key) return null;
        try
        {
            var cached = await GrainFactory.GetGrain<IResultCacheGrain>(key).GetAsync();
            cache.Count(spec.Type, hit: cached is not null);
            // Not "hit ? hit.Result : null": null converts to an empty ReadOnlyMemory, which would be a hit.
            if (cached is not { } hit) return null;
            return hit.Result;
        }
        catch (Exception e)
        {
            LogCacheUnavailable(spec.Id, e.Message);
            cache.Count(spec.Type, hit: false); // it runs: a miss for whoever reads the ratio
            return null;
        }
    }

    private async Task RememberResultAsync(string key, string type, ReadOnlyMemory<byte> result)
    {
        try
        {
            await GrainFactory.GetGrain<IResultCacheGrain>(key).SetAsync(result, cache.TtlOf(type));
        }
        catch (Exception e)
        {
            LogCacheUnavailable(key, e.Message);
        }
    }
}
