using Surge.Policies;

namespace Surge.Tasks;

// The result cache of deterministic types: an optimisation, so a cache that cannot be reached only means running.
internal sealed partial class TaskShardGrain
{
    private async Task<TaskRecord?> FromCacheAsync(TaskSpec spec)
    {
        if (cache.KeyOf(spec) is not { } key) return null;
        try
        {
            if (await GrainFactory.GetGrain<IResultCacheGrain>(key).GetAsync() is not { } hit) return null;
            var now = time.GetUtcNow();
            return new TaskRecord { Spec = spec, State = TaskState.Succeeded, SubmittedAt = now, FinishedAt = now, Result = hit.Result, FromCache = true };
        }
        catch (Exception e)
        {
            LogCacheUnavailable(spec.Id, e.Message);
            return null;
        }
    }

    private async Task RememberResultAsync(string key, TaskRecord final)
    {
        try
        {
            await GrainFactory.GetGrain<IResultCacheGrain>(key).SetAsync(final.Result, cache.TtlOf(final.Spec.Type));
        }
        catch (Exception e)
        {
            LogCacheUnavailable(final.Id, e.Message);
        }
    }
}
