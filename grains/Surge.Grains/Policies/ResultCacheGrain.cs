
namespace Surge.Policies;

/// <summary>
/// One cached result, keyed by <see cref="ResultCache.Key"/>. Kept in its own grain storage so it outlives the
/// activation, and so Redis can expire it by TTL: most entries are never read again after they expire.
/// </summary>
internal interface IResultCacheGrain : IGrainWithStringKey
{
    Task<CachedResult?> GetAsync();

    Task SetAsync(ReadOnlyMemory<byte> result, TimeSpan ttl);
}

[GenerateSerializer, Immutable]
internal sealed record CachedResult([property: Id(0)] ReadOnlyMemory<byte> Result, [property: Id(1)] DateTimeOffset ExpiresAt);

[GenerateSerializer]
internal sealed class CacheEntry
{
    [Id(0)] public CachedResult? Value { get; set; }
}

internal sealed class ResultCacheGrain([PersistentState("result", SurgeStorage.Cache)] IPersistentState<CacheEntry> entry, TimeProvider time)
    : Grain, IResultCacheGrain
{
    // A refused clear throws, which the shard takes for a miss: the submission runs. The expired entry is never served.
    public async Task<CachedResult?> GetAsync()
    {
        if (entry.State.Value is not { } cached) return null;
        if (cached.ExpiresAt > time.GetUtcNow()) return cached;
        await entry.ClearStateAsync();
        DeactivateOnIdle();
        return null;
    }

    // Served only once stored: a refused write is undone, and the shard that caches it only logs the refusal (the
    // task's own record holds its result).
    public Task SetAsync(ReadOnlyMemory<byte> result, TimeSpan ttl)
    {
        var previous = entry.State.Value;
        entry.State.Value = new CachedResult(result, time.GetUtcNow() + ttl);
        return entry.WriteOrUndoAsync(this, () => entry.State.Value = previous, "the cached result");
    }
}
