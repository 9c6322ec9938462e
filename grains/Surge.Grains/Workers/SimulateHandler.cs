using System.Text.Json;

namespace Surge.Workers;

/// <summary>
/// Acts out a task for demos and benchmarks: sleeps <c>duration_ms</c> and, when <c>allocate</c> is true,
/// really holds <c>memory_mb</c> of touched memory meanwhile. With <c>blocking</c> true it sleeps on its thread, as
/// synchronous code does (blocking I/O, a lock, <c>Thread.Sleep</c>), and its token cannot stop it. A <c>kind</c>
/// feature names the type it stands in for.
/// Registered only where <c>Surge:Workers:Simulate</c> is on (<see cref="SimulateHandlerSource"/>).
/// </summary>
internal sealed class SimulateHandler(TimeProvider time) : ITaskHandler, IValidatingHandler
{
    public const string TypeName = "simulate";

    /// <summary>The feature that names the task type a simulated task stands in for (routing and history read it).</summary>
    public const string KindFeature = TaskValidator.KindFeature;

    /// <inheritdoc cref="SimulateBounds.MaxMemoryMb"/>
    public const double MaxMemoryMb = SimulateBounds.MaxMemoryMb;

    /// <inheritdoc cref="SimulateBounds.MaxDurationMs"/>
    public const double MaxDurationMs = SimulateBounds.MaxDurationMs;

    private const int PageSize = 4096;

    /// <summary>
    /// Refuses numbers past the bounds at submission. A payload that is not JSON with numbers is left to fail its
    /// task when it runs, as before: it holds nothing, and it is the cheapest way to make a dead letter.
    /// </summary>
    public void Validate(TaskSpec spec)
    {
        SimulatePayload payload;
        try
        {
            payload = SimulatePayload.Parse(spec.Payload.Span);
        }
        catch (ArgumentException)
        {
            return;
        }
        SimulateBounds.Check(payload.DurationMs, payload.MemoryMb);
    }

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var payload = SimulatePayload.Parse(context.Payload.Span);
        context.MemoryMb = payload.MemoryMb; // what it acts out; really held when allocate is true
        byte[][]? held = payload.Allocate && payload.MemoryMb > 0 ? Touch(payload.MemoryMb) : null;
        if (payload.DurationMs > 0 && payload.Blocking)
            Thread.Sleep(TimeSpan.FromMilliseconds(payload.DurationMs));
        else if (payload.DurationMs > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(payload.DurationMs), time, cancellationToken).ConfigureAwait(false);
        GC.KeepAlive(held);
        return ReadOnlyMemory<byte>.Empty;
    }

    // In arrays of at most 256 MB: one array cannot pass Array.MaxLength (just under 2 GB), and MaxMemoryMb is 4 GB
    // (one array of int.MaxValue bytes failed every task of 2,048 MB and more with OutOfMemoryException). Writing one
    // byte a page makes the memory resident, so the allocation shows in the working set.
    private const int ChunkBytes = 256 * 1024 * 1024;

    private static byte[][] Touch(double memoryMb)
    {
        var sizes = ChunkSizes(memoryMb);
        var chunks = new byte[sizes.Length][];
        for (var c = 0; c < chunks.Length; c++)
        {
            var buffer = chunks[c] = GC.AllocateUninitializedArray<byte>(sizes[c]);
            for (var i = 0; i < buffer.Length; i += PageSize) buffer[i] = 1;
        }
        return chunks;
    }

    /// <summary>The arrays <paramref name="memoryMb"/> is held in: each at most 256 MB, together the whole.</summary>
    internal static int[] ChunkSizes(double memoryMb)
    {
        var total = (long)(memoryMb * 1024 * 1024);
        var sizes = new int[(int)((total + ChunkBytes - 1) / ChunkBytes)];
        for (var c = 0; c < sizes.Length; c++) sizes[c] = (int)Math.Min(ChunkBytes, total - (long)c * ChunkBytes);
        return sizes;
    }
}

/// <summary>The fields of a <c>simulate</c> payload.</summary>
internal readonly record struct SimulatePayload(double DurationMs, double MemoryMb, bool Allocate, bool Blocking = false)
{
    public static SimulatePayload Parse(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty) return default;
        var reader = new Utf8JsonReader(json);
        double duration = 0, memory = 0;
        bool allocate = false, blocking = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
                if (reader.ValueTextEquals("duration_ms"u8) && reader.Read()) duration = reader.GetDouble();
                else if (reader.ValueTextEquals("memory_mb"u8) && reader.Read()) memory = reader.GetDouble();
                else if (reader.ValueTextEquals("allocate"u8) && reader.Read()) allocate = reader.TokenType == JsonTokenType.True;
                else if (reader.ValueTextEquals("blocking"u8) && reader.Read()) blocking = reader.TokenType == JsonTokenType.True;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"simulate payload is not valid JSON with numeric duration_ms/memory_mb: {e.Message}", e);
        }
        return new SimulatePayload(Math.Max(0, duration), Math.Max(0, memory), allocate, blocking);
    }
}
