using System.Text.Json;
using Surge.Policies;
using Surge.Workers;

namespace Surge.Hosting;

/// <summary>
/// Runs a typed handler as a byte-level one: reads the payload as <typeparamref name="TIn"/> and writes the result
/// as JSON. A payload that does not read fails its task with the JSON error (its path names the field), and is not
/// retried: the same bytes fail the same way. In Hosting, beside its registration, because it speaks both of workers and
/// of retry policy (which itself asks the workers' registry for handler versions).
/// </summary>
internal sealed class TypedHandler<THandler, TIn, TOut>(THandler handler) : ITaskHandler
    where THandler : ITaskHandler<TIn, TOut>
{
    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var type = THandler.TaskType;
        TIn input;
        try
        {
            input = type.DeserializeInput(context.Payload.Span);
        }
        catch (JsonException e)
        {
            throw new NonRetryableTaskException($"the payload is not a {typeof(TIn).Name}: {e.Message}", e);
        }
        var output = await handler.HandleAsync(input, context, cancellationToken).ConfigureAwait(false);
        return type.SerializeOutput(output);
    }
}
