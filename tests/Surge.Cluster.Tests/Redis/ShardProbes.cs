using System.Diagnostics;
using Surge.Client;

namespace Surge.Cluster.Tests.Redis;

/// <summary>Asks every task shard, to time how long after a fault all of them serve again.</summary>
internal static class ShardProbes
{
    /// <summary>One task id per shard, so that asking for each reaches every shard.</summary>
    public static string[] Ids(string prefix = "probe")
    {
        var ids = new string?[TaskShards.Count];
        for (var n = 0; ids.Contains(null); n++)
            ids[TaskShards.For($"{prefix}-{n}")] ??= $"{prefix}-{n}";
        return ids!;
    }

    /// <summary>
    /// Asks until the shard answers within a second (an answer needs the shard active on a live silo); when it did, on
    /// <paramref name="since"/>. The client should give up on each call after a second too, so none retries behind the next.
    /// </summary>
    public static async Task<TimeSpan> FirstAnswerAsync(RedisClient client, string id, Stopwatch since, TimeSpan limit)
    {
        while (true)
        {
            try
            {
                await client.Surge.GetStatusAsync(id).WaitAsync(TimeSpan.FromSeconds(1));
                return since.Elapsed;
            }
            catch (Exception e) when (e is TimeoutException or SurgeUnavailableException)
            {
                if (since.Elapsed > limit) throw;
            }
        }
    }
}
