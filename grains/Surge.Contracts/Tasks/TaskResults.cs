using System.Text.Json;

namespace Surge;

/// <summary>Reads a finished task's result as the type its handler returned.</summary>
public static class TaskResults
{
    /// <summary>The result of a task of <paramref name="type"/>.</summary>
    /// <exception cref="SurgeTaskFailedException">It failed or was cancelled.</exception>
    /// <exception cref="InvalidOperationException">It is not finished, or is of another type.</exception>
    /// <exception cref="JsonException">The result is not a <typeparamref name="TOut"/>.</exception>
    public static TOut GetResult<TIn, TOut>(this TaskStatus status, TaskType<TIn, TOut> type)
    {
        ArgumentNullException.ThrowIfNull(type);
        EnsureSucceeded(status);
        if (!string.Equals(status.Type, type.Name, StringComparison.Ordinal))
            throw new InvalidOperationException($"task '{status.Id}' is of type '{status.Type}', not '{type.Name}'");
        return type.DeserializeOutput(status.Result.Span);
    }

    /// <summary>The result read as <typeparamref name="TOut"/> with <paramref name="options"/> (default <see cref="TaskJson.DefaultOptions"/>).</summary>
    /// <exception cref="SurgeTaskFailedException">It failed or was cancelled.</exception>
    /// <exception cref="InvalidOperationException">It is not finished.</exception>
    /// <exception cref="JsonException">The result is not a <typeparamref name="TOut"/>.</exception>
    public static TOut GetResult<TOut>(this TaskStatus status, JsonSerializerOptions? options = null)
    {
        EnsureSucceeded(status);
        var info = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<TOut>)(options ?? TaskJson.DefaultOptions).GetTypeInfo(typeof(TOut));
        return TaskJson.Read(status.Result.Span, info, status.Type, "result");
    }

    private static void EnsureSucceeded(TaskStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.State == TaskState.Succeeded) return;
        if (status.IsFinal) throw new SurgeTaskFailedException(status);
        throw new InvalidOperationException($"task '{status.Id}' is {status.State}; wait for it (ISurgeClient.WaitAsync) before reading its result");
    }
}
