using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Surge.Workers;

namespace Surge.Cluster.Tests.Flows;

/// <summary>
/// A step of a test flow. Records each run (wave, entity, task, version, inputs, times) and outputs
/// <c>task(entity)[input,input…]</c>, the same for every version, unless the payload plants a difference for an
/// entity in a version, tags the output (to show a pipe is not overwritten), sleeps, or fails.
/// Payload: <c>{"sleep_ms": 0, "fail": false, "plant_entity": "", "plant_version": "", "tag": ""}</c>.
/// </summary>
public sealed class FlowStepHandler : ITaskHandler
{
    public const string TypeName = "flowstep";

    public sealed record Run(string Wave, string Entity, string Task, string Version, bool Degraded, string[] Inputs, string[] Missing,
        DateTimeOffset Started, DateTimeOffset Ended);

    public static readonly ConcurrentDictionary<string, ConcurrentQueue<Run>> Runs = new();

    public static IReadOnlyList<Run> Of(string wave) => Runs.TryGetValue(wave, out var runs) ? [.. runs] : [];

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var step = context.Flow ?? throw new InvalidOperationException("flowstep runs only in waves");
        var started = DateTimeOffset.UtcNow;
        using var payload = JsonDocument.Parse(context.Payload);
        var p = payload.RootElement;
        if (p.TryGetProperty("sleep_ms", out var sleep)) await Task.Delay(sleep.GetInt32(), cancellationToken);
        var inputs = step.Inputs.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => Encoding.UTF8.GetString(i.Value.Span)).ToArray();
        Runs.GetOrAdd(step.Wave, _ => new()).Enqueue(new Run(step.Wave, step.Entity, step.Task, step.Version, step.Degraded, inputs,
            [.. step.Missing], started, DateTimeOffset.UtcNow));
        if (p.TryGetProperty("fail", out var fail) && fail.GetBoolean()) throw new InvalidOperationException($"{step.Task} fails as told");
        var output = $"{step.Task}({step.Entity})[{string.Join(",", inputs)}]";
        if (p.TryGetProperty("plant_entity", out var plant) && plant.GetString() == step.Entity
            && p.TryGetProperty("plant_version", out var version) && version.GetString() == step.Version) output += "!";
        if (p.TryGetProperty("tag_with_wave", out var tag) && tag.GetBoolean()) output += "#" + step.Wave;
        return Encoding.UTF8.GetBytes(output);
    }
}
