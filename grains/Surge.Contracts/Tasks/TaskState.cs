namespace Surge;

/// <summary>Where a task is on its way. <see cref="Succeeded"/>, <see cref="Failed"/> and <see cref="Cancelled"/> are final.</summary>
[GenerateSerializer]
public enum TaskState
{
    /// <summary>Accepted and waiting for a slot in its pool.</summary>
    Queued = 0,
    /// <summary>An entity event waiting for its predecessor (<c>after</c> or sequence).</summary>
    Held = 1,
    /// <summary>A handler is running it on some silo; <see cref="TaskStatus.StartedAt"/> says since when.</summary>
    Running = 2,
    /// <summary>Its handler returned; the result is in <see cref="TaskStatus.Result"/>.</summary>
    Succeeded = 3,
    /// <summary>Failed all its attempts (or could not run); dead-lettered, see <see cref="TaskStatus.DeadLettered"/>.</summary>
    Failed = 4,
    /// <summary>An attempt failed; the next starts at <see cref="TaskStatus.NextAttemptAt"/>.</summary>
    Retrying = 5,
    /// <summary>Cancelled by a caller: it never started, or its token was cancelled while it ran.</summary>
    Cancelled = 6,
}

/// <summary>Questions about a <see cref="TaskState"/>.</summary>
public static class TaskStateExtensions
{
    /// <summary>True when the task will not change again (unless a dead letter is retried by hand).</summary>
    public static bool IsFinal(this TaskState state) => state is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled;
}
