namespace Surge;

/// <summary>Where a task is on its way. <see cref="Succeeded"/> and <see cref="Failed"/> are final.</summary>
[GenerateSerializer]
public enum TaskState
{
    /// <summary>Accepted and waiting for a slot in its pool.</summary>
    Queued = 0,
    /// <summary>An entity event waiting for its predecessor (<c>after</c> or sequence).</summary>
    Held = 1,
    Running = 2,
    Succeeded = 3,
    Failed = 4,
}

public static class TaskStateExtensions
{
    public static bool IsFinal(this TaskState state) => state is TaskState.Succeeded or TaskState.Failed;
}
