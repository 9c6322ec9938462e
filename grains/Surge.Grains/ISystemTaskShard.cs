using Orleans.Concurrency;

namespace Surge;

/// <summary>
/// Submissions of the tasks silos make themselves (a schedule's instants, a wave's steps), whose ids carry a
/// <see cref="TaskValidator.ReservedIdPrefixes">reserved prefix</see> that <see cref="ITaskShardGrain"/> refuses.
/// Internal: not on the list of interfaces a client may call, so only grains and silo services reach it.
/// </summary>
internal interface ISystemTaskShard : IGrainWithIntegerKey
{
    /// <summary>As <see cref="ITaskShardGrain.SubmitAsync"/>, with the reserved id prefixes allowed.</summary>
    Task<TaskStatus> SubmitSystemAsync(TaskSpec spec);

    /// <summary>As <see cref="ITaskShardGrain.SubmitAndWaitAsync"/>, with the reserved id prefixes allowed.</summary>
    [AlwaysInterleave]
    Task<TaskStatus> SubmitSystemAndWaitAsync(TaskSpec spec, TimeSpan maxWait);
}

internal static class SystemTaskShardExtensions
{
    /// <summary>The shard of <paramref name="taskId"/>, for a task a silo submits itself.</summary>
    public static ISystemTaskShard SystemShard(this IGrainFactory grains, string taskId)
        => ShardReferences<ISystemTaskShard>.Get(grains, TaskShards.For(taskId));
}
