namespace Surge.Tasks;

// The status page's lists and entity search: answered from the shard's index, which follows its records.
internal sealed partial class TaskShardGrain : ITaskShardLists
{
    /// <summary>The most tasks of one entity a shard returns: an entity's whole history could be long.</summary>
    public const int MaxEntityTasks = 500;

    private readonly TaskIndex _index = new();

    public Task<TaskListRow[]> ListAsync(TaskListQuery query)
        => Task.FromResult(_index.Page(query).Select(r => TaskListRow.Of(r, query.List)).ToArray());

    public Task<TaskListRow[]> ScanAsync(TaskListQuery query)
        => Task.FromResult(TaskIndex.Scan(_records.Values, query).Select(r => TaskListRow.Of(r, query.List)).ToArray());

    public Task<TaskStatus[]> GetEntityTasksAsync(string entity)
        => Task.FromResult(_index.OfEntity(entity).OrderBy(r => r.Spec.Sequence ?? long.MaxValue).ThenBy(r => r.SubmittedAt)
            .ThenBy(r => r.Id, StringComparer.Ordinal).Take(MaxEntityTasks).Select(r => r.ToStatus()).ToArray());
}
