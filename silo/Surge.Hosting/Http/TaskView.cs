using System.Text.Json;
using System.Text.Json.Serialization;

namespace Surge.Hosting;

/// <summary>
/// A task's status as the HTTP API answers it: every field of <see cref="TaskStatus"/>, its state by name
/// (<c>"Succeeded"</c>, as the CLI prints it) and its pool by the lower-case name metrics and pages use.
/// <see cref="Result"/> is the handler's result: its JSON when the bytes are JSON (the convention), else their text as a string.
/// </summary>
internal sealed record TaskView(
    string Id,
    string Type,
    [property: JsonConverter(typeof(JsonStringEnumConverter<TaskState>))] TaskState State,
    bool Final,
    string? Pool,
    double? PredictedMs,
    double? ActualMs,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int Attempts,
    string? Error,
    string? Entity,
    string? Event,
    JsonElement? Result,
    DateTimeOffset? NextAttemptAt,
    bool DeadLettered,
    bool FromCache,
    int Recoveries,
    string? Submitter)
{
    public static TaskView From(TaskStatus s) => new(s.Id, s.Type, s.State, s.IsFinal, s.Pool?.Name(), s.PredictedMs, s.ActualMs,
        s.SubmittedAt, s.StartedAt, s.FinishedAt, s.Attempts, s.Error, s.Entity, s.Event, ResultOf(s.Result), s.NextAttemptAt,
        s.DeadLettered, s.FromCache, s.Recoveries, s.Submitter);

    private static JsonElement? ResultOf(ReadOnlyMemory<byte> result)
    {
        if (result.IsEmpty) return null;
        try
        {
            using var json = JsonDocument.Parse(result);
            return json.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON after all: its text, so a caller still sees what the handler said.
            return JsonSerializer.SerializeToElement(System.Text.Encoding.UTF8.GetString(result.Span));
        }
    }
}
