using System.Text.Json;

namespace Surge.Workers;

/// <summary>
/// Acts out a task for demos and benchmarks: sleeps <c>duration_ms</c> and, when <c>allocate</c> is true,
/// really holds <c>memory_mb</c> of touched memory meanwhile. A <c>kind</c> feature names the type it stands in for.
/// </summary>
internal sealed class SimulateHandler(TimeProvider time) : ITaskHandler
{
    public const string TypeName = "simulate";

    /// <summary>The feature that names the task type a simulated task stands in for (routing and history read it).</summary>
    public const string KindFeature = "kind";

    private const int PageSize = 4096;

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var payload = SimulatePayload.Parse(context.Payload.Span);
        context.MemoryMb = payload.MemoryMb; // what it acts out; really held when allocate is true
        byte[]? held = payload.Allocate && payload.MemoryMb > 0 ? Touch(payload.MemoryMb) : null;
        if (payload.DurationMs > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(payload.DurationMs), time, cancellationToken).ConfigureAwait(false);
        GC.KeepAlive(held);
        return ReadOnlyMemory<byte>.Empty;
    }

    // Writing one byte a page makes the memory resident, so the allocation shows in the working set.
    private static byte[] Touch(double memoryMb)
    {
        var buffer = GC.AllocateUninitializedArray<byte>((int)Math.Min(int.MaxValue, memoryMb * 1024 * 1024));
        for (var i = 0; i < buffer.Length; i += PageSize) buffer[i] = 1;
        return buffer;
    }
}

/// <summary>The fields of a <c>simulate</c> payload.</summary>
internal readonly record struct SimulatePayload(double DurationMs, double MemoryMb, bool Allocate)
{
    public static SimulatePayload Parse(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty) return default;
        var reader = new Utf8JsonReader(json);
        double duration = 0, memory = 0;
        var allocate = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
                if (reader.ValueTextEquals("duration_ms"u8) && reader.Read()) duration = reader.GetDouble();
                else if (reader.ValueTextEquals("memory_mb"u8) && reader.Read()) memory = reader.GetDouble();
                else if (reader.ValueTextEquals("allocate"u8) && reader.Read()) allocate = reader.TokenType == JsonTokenType.True;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"simulate payload is not valid JSON with numeric duration_ms/memory_mb: {e.Message}", e);
        }
        return new SimulatePayload(Math.Max(0, duration), Math.Max(0, memory), allocate);
    }
}
