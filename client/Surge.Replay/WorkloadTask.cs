using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Surge.Replay;

/// <summary>
/// One line of a workload (the format <c>surge workload generate</c> writes). <see cref="DurationMs"/> and
/// <see cref="MemoryMb"/> are ground truth: they become the simulate payload, never features.
/// </summary>
public sealed record WorkloadTask(
    int Line,
    string Id,
    long AtMs,
    string Type,
    string? Entity,
    string? Event,
    string? After,
    long? Sequence,
    ImmutableDictionary<string, FeatureValue> Features,
    double DurationMs,
    double MemoryMb)
{
    /// <summary>Tasks shorter than this are "short" in reports, matching the default routing threshold.</summary>
    public const double ShortMs = 50;

    public bool IsShort => DurationMs < ShortMs;

    /// <summary>The task as the runtime gets it: the simulate type acting out <see cref="Type"/>.</summary>
    public TaskSpec ToSpec(bool allocate)
    {
        var payload = string.Create(CultureInfo.InvariantCulture,
            $"{{\"duration_ms\":{DurationMs},\"memory_mb\":{MemoryMb},\"allocate\":{(allocate ? "true" : "false")}}}");
        return new TaskSpec(Id, SimulateType, Encoding.UTF8.GetBytes(payload), Features.SetItem(KindFeature, Type),
            Entity, Event, After, Sequence);
    }

    internal const string SimulateType = "simulate";
    internal const string KindFeature = "kind";
}
