namespace Surge;

/// <summary>
/// A task whose result was asked for did not succeed: it failed (for good) or was cancelled. <see cref="Status"/>
/// holds its final state, error and attempts. Thrown to the caller; never crosses the wire.
/// </summary>
public sealed class SurgeTaskFailedException(TaskStatus status)
    : Exception($"task '{status.Id}' of type '{status.Type}' {Describe(status)}")
{
    /// <summary>The task's final status: <see cref="TaskStatus.State"/>, <see cref="TaskStatus.Error"/>, <see cref="TaskStatus.Attempts"/>.</summary>
    public TaskStatus Status { get; } = status;

    private static string Describe(TaskStatus s) => s.State switch
    {
        TaskState.Cancelled => "was cancelled",
        TaskState.Failed => $"failed after {s.Attempts} attempt{(s.Attempts == 1 ? "" : "s")}: {s.Error}",
        _ => $"is {s.State}, not finished",
    };
}
