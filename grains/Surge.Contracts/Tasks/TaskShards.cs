namespace Surge;

/// <summary>Which <see cref="ITaskShardGrain"/> holds a task: a stable hash of its id, the same in every process.</summary>
public static class TaskShards
{
    /// <summary>
    /// Number of shards. Fixed: changing it moves tasks between shards. 256 spreads work over many silos while a
    /// small silo holds a few hundred cheap activations.
    /// </summary>
    public const int Count = 256;

    /// <summary>
    /// Longest a shard waits in one <see cref="ITaskShardGrain.WaitAsync"/> or <see cref="ITaskShardGrain.SubmitAndWaitAsync"/>
    /// call; a longer <c>maxWait</c> is cut to this, and callers loop. The client's <c>Surge:Client:WaitSlice</c> is bounded by it.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(25);

    /// <summary>FNV-1a over the id's UTF-16 code units (<see cref="string.GetHashCode()"/> differs per process).</summary>
    public static int For(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return (int)(Hash(taskId) % Count);
    }

    /// <summary>FNV-1a (32 bits) over the text's UTF-16 code units: stable across processes and versions.</summary>
    internal static uint Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }

    /// <summary>The shard grain that holds <paramref name="taskId"/>: where its submission, status and wait go.</summary>
    public static ITaskShardGrain Shard(this IGrainFactory grains, string taskId) => ShardReferences<ITaskShardGrain>.Get(grains, For(taskId));
}
