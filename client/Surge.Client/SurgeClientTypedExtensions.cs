namespace Surge.Client;

/// <summary>
/// Typed calls over <see cref="ISurgeClient"/>: the payload is written and the result read as the shared
/// <see cref="TaskType{TIn, TOut}"/> says. For ids, features or entities, build the spec with
/// <see cref="TaskType{TIn, TOut}.Create"/>, call the byte-level method, and read the result with
/// <see cref="TaskResults.GetResult{TIn, TOut}(TaskStatus, TaskType{TIn, TOut})"/>.
/// </summary>
public static class SurgeClientTypedExtensions
{
    /// <summary>Submits a task of <paramref name="type"/> and returns its result once it succeeds.</summary>
    /// <exception cref="SurgeTaskFailedException">It failed for good or was cancelled; its status says why.</exception>
    /// <exception cref="TimeoutException">It did not finish within <paramref name="timeout"/>.</exception>
    public static async Task<TOut> RunAsync<TIn, TOut>(this ISurgeClient client, TaskType<TIn, TOut> type, TIn input,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(type);
        var status = await client.RunAsync(type.Create(input), timeout, cancellationToken).ConfigureAwait(false);
        return status.GetResult(type);
    }

    /// <summary>Submits a task of <paramref name="type"/> without waiting for it; the status carries its id.</summary>
    public static Task<TaskStatus> SubmitAsync<TIn, TOut>(this ISurgeClient client, TaskType<TIn, TOut> type, TIn input,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(type);
        return client.SubmitAsync(type.Create(input), cancellationToken);
    }
}
