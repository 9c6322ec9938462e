using Orleans.Concurrency;

namespace Surge;

/// <summary>
/// The record of one task, keyed by its id: accepts it once, and tells its status.
/// </summary>
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records and dispatches the task. Submitting an id again returns the existing status and runs nothing.
    /// Throws <see cref="SurgeValidationException"/> for bad input.
    /// </summary>
    Task<TaskStatus> SubmitAsync(TaskSpec spec);

    /// <summary>The task's status, or null when no task has this id.</summary>
    Task<TaskStatus?> GetStatusAsync();

    /// <summary>
    /// Returns as soon as the task is final, or after <paramref name="maxWait"/> with its current status.
    /// Callers loop for longer waits, which keeps each call under the messaging timeout.
    /// </summary>
    [AlwaysInterleave]
    Task<TaskStatus?> WaitAsync(TimeSpan maxWait);
}
