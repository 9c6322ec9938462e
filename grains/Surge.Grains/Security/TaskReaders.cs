namespace Surge.Security;

/// <summary>
/// Whose task a caller may see (its status, a wait on it, or the answer to submitting its id again), at the gateway
/// (<see cref="ClientAccessFilter"/>) and over HTTP alike: <see cref="AnyTask"/> and above see every task; a
/// submit-role caller sees the tasks recorded as its own (<see cref="TaskStatus.Submitter"/>), never one the silos
/// submitted themselves.
/// </summary>
internal static class TaskReaders
{
    /// <summary>The role that reads any task, a system task included.</summary>
    public const SurgeRole AnyTask = SurgeRole.Operate;

    /// <summary>True when a caller named <paramref name="caller"/> (null: it has no identity) with <paramref name="role"/> may see <paramref name="task"/>.</summary>
    public static bool MayRead(SurgeRole role, string? caller, TaskStatus task)
        => role >= AnyTask || (!SubmittedBySilos(task.Id) && task.Submitter == caller);

    /// <summary>Why a caller that <see cref="MayRead"/> refused does not see <paramref name="task"/>, naming the role it needs.</summary>
    public static string Refusal(TaskStatus task)
        => $"task '{task.Id}' was submitted by {(SubmittedBySilos(task.Id) ? "the silos themselves (a schedule or a wave)" : "another caller")}; reading it needs the {AnyTask} role";

    /// <summary>
    /// A schedule's instant or a wave's step: an id no client may submit (<see cref="TaskValidator.ReservedIdPrefixes"/>),
    /// so only silos did. Such a task has no submitter, as a nameless caller's own tasks have none: the id tells them
    /// apart, so that callers without an identity, who share the tasks they submit, do not share the system's too.
    /// </summary>
    public static bool SubmittedBySilos(string taskId) => TaskValidator.IsReservedId(taskId);
}
