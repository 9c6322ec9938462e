using Surge.Tasks;

namespace Surge.Hosting;

/// <summary>
/// The status page's lists over the whole cluster: one call per task shard, each answered from that shard's index
/// (<see cref="TaskIndex"/>), merged into one page. Every shard pages from the same cursor in the same order, so the
/// first <c>limit</c> rows of the merge are exactly the cluster's next page. A shard that does not answer within
/// <see cref="PerShardTimeout"/> is left out and counted, so one slow shard cannot hold the page up.
/// </summary>
internal sealed class TaskLists(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan PerShardTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Rows a page shows unless asked otherwise.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The cluster's page of <paramref name="query"/>; <paramref name="scan"/>: each shard filters its records instead (the benchmark's baseline).</summary>
    public async Task<TaskListPage> ReadAsync(TaskListQuery query, bool scan, CancellationToken cancellationToken)
    {
        query = query with { Limit = Math.Clamp(query.Limit, 1, TaskIndex.MaxPage) };
        var answers = await Task.WhenAll(Enumerable.Range(0, TaskShards.Count).Select(async shard =>
        {
            try
            {
                var lists = grains.GetGrain<ITaskShardLists>(shard);
                return await (scan ? lists.ScanAsync(query) : lists.ListAsync(query)).WaitAsync(PerShardTimeout, time, cancellationToken);
            }
            catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException
                or Orleans.Runtime.Messaging.ConnectionFailedException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return null;
            }
        }));
        return Merge(answers, query.Limit);
    }

    /// <summary>The first <paramref name="limit"/> rows of every shard's page, in the list's order; null: a shard that did not answer.</summary>
    public static TaskListPage Merge(TaskListRow[]?[] shards, int limit)
    {
        var rows = shards.OfType<TaskListRow[]>().SelectMany(r => r).OrderBy(r => r.Key).Take(limit).ToArray();
        // A full page may have more after it; a short one is the end (each shard gave all it had after the cursor).
        var next = rows.Length == limit ? rows[^1].Key.ToCursor() : null;
        return new(rows, next, shards.Count(s => s is null));
    }
}

/// <summary>One page of a list: its rows, the cursor of the next page (null at the end), and shards that did not answer.</summary>
internal sealed record TaskListPage(TaskListRow[] Rows, string? Next, int MissingShards);
