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
            // Not "hit ? hit.Result : null": null converts to an empty ReadOnlyMemory, which would be a hit.
            if (await GrainFactory.GetGrain<IResultCacheGrain>(key).GetAsync() is not { } hit) return null;
            return hit.Result;
        }
        catch (Exception e)
        {
            LogCacheUnavailable(spec.Id, e.Message);
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
