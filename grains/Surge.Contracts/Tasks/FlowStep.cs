using System.Collections.Immutable;

namespace Surge;

/// <summary>
/// What a task run by a wave knows of its place in it, handed to its handler as <c>TaskContext.Flow</c>: its inputs
/// are the pipes that existed when it started (all of them unless <see cref="Degraded"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FlowStep(
    [property: Id(0)] string Wave,
    [property: Id(1)] string Flow,
    [property: Id(2)] string Task,
    [property: Id(3)] string Version,
    [property: Id(4)] string Entity,
    [property: Id(5)] string Date,
    [property: Id(6)] bool Degraded,
    [property: Id(7)] ImmutableDictionary<string, ReadOnlyMemory<byte>> Inputs,
    [property: Id(8)] ImmutableArray<string> Missing)
{
    /// <summary>The most input a step carries: 16 pipes of the largest result a silo accepts by default.</summary>
    public const long MaxInputBytes = 16L * 1024 * 1024;

    /// <summary>The inputs' total size, checked against <see cref="MaxInputBytes"/> when the step is submitted.</summary>
    public long InputBytes => Inputs.Values.Sum(v => (long)v.Length);

    /// <summary>The input pipe's bytes, or null when it did not exist (a degraded run).</summary>
    public ReadOnlyMemory<byte>? Input(string pipe) => Inputs.TryGetValue(pipe, out var value) ? value : null;

    /// <summary>The input pipe read as JSON, or default when it did not exist.</summary>
    public T? Input<T>(string pipe, System.Text.Json.JsonSerializerOptions? options = null)
        => Input(pipe) is { } value ? System.Text.Json.JsonSerializer.Deserialize<T>(value.Span, options ?? System.Text.Json.JsonSerializerOptions.Web) : default;
}
