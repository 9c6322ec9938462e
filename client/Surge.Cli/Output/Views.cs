using System.Text.Json;

namespace Surge.Cli.Output;

/// <summary>
/// A task's status as <c>--output json</c> prints it: the contract's fields, with the result bytes as the JSON they
/// hold (or a string when they are not JSON) instead of base64.
/// </summary>
internal sealed record TaskView(
    string Id, string Type, TaskState State, string? Entity, string? Event, PoolKind? Pool,
    double? PredictedMs, double? ActualMs, DateTimeOffset SubmittedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    int Attempts, DateTimeOffset? NextAttemptAt, bool DeadLettered, bool FromCache, int Recoveries, string? Error, JsonElement? Result)
{
    public static TaskView Of(TaskStatus s) => new(s.Id, s.Type, s.State, s.Entity, s.Event, s.Pool, s.PredictedMs, s.ActualMs,
        s.SubmittedAt, s.StartedAt, s.FinishedAt, s.Attempts, s.NextAttemptAt, s.DeadLettered, s.FromCache, s.Recoveries, s.Error,
        s.Result.IsEmpty ? null : JsonBytes.Element(s.Result));
}

/// <summary>A schedule as <c>--output json</c> prints it, its payload as JSON.</summary>
internal sealed record ScheduleView(string Name, string Cron, string Type, JsonElement? Payload, DateTimeOffset? LastFired, DateTimeOffset? NextFire)
{
    public static ScheduleView Of(ScheduleStatus s)
        => new(s.Spec.Name, s.Spec.Cron, s.Spec.Type, s.Spec.Payload.IsEmpty ? null : JsonBytes.Element(s.Spec.Payload), s.LastFired, s.NextFire);
}

/// <summary>How many dead letters <c>surge dead purge</c> removed.</summary>
internal sealed record PurgeView(int Purged);

/// <summary>One prediction of <c>surge predict</c>.</summary>
internal sealed record PredictionView(string Model, string Type, bool KnownType, double DurationMs, double DurationUpperMs, double MemoryMb);

/// <summary>What <c>surge train</c> trained and how the model and the per-type baseline scored on the held-out rows.</summary>
internal sealed record TrainingView(int Rows, int TrainedOn, int HeldOut, long TrainMs, string Out, ScoreView Model, ScoreView Baseline);

internal sealed record ScoreView(double ShortLongAccuracy, double OffBy2x, double MemoryMedianRelError, double RoutingAccuracy, double LongAsShort);

internal static class JsonBytes
{
    /// <summary>UTF-8 JSON as itself; anything else as a JSON string of its text.</summary>
    public static JsonElement Element(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(System.Text.Encoding.UTF8.GetString(bytes.Span), CliJsonContext.Default.String);
        }
    }
}

/// <summary>A registered flow: its tasks with what they read and write.</summary>
internal sealed record FlowView(string Name, TimeSpan PipeTtl, FlowTaskView[] Tasks)
{
    public static FlowView Of(Surge.Flows.FlowDefinition f)
        => new(f.Name, f.PipeTtl, [.. f.Tasks.Select(t => new FlowTaskView(t.Name, t.Type, t.Version, [.. t.Inputs], t.Output, t.DependencyTimeout))]);
}

internal sealed record FlowTaskView(string Name, string Type, string Version, string[] Inputs, string Output, TimeSpan DependencyTimeout);
