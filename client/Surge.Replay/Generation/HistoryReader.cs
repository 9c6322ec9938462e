using System.Globalization;
using System.Text.Json;

namespace Surge.Replay.Generation;

/// <summary>
/// One row of a recorded history: what the predictor learns from (type, features, duration and memory, as
/// <c>surge workload generate history</c> writes them and <c>surge train</c> reads them), and when it was submitted if
/// the history says so.
/// </summary>
internal sealed record HistoryEntry(
    int Line, string Type, string? Entity, string? Event, string? After,
    IReadOnlyDictionary<string, object> Features, double DurationMs, double MemoryMb, double? SubmittedMs);

/// <summary>
/// Reads a history file, one JSON object a line. A submit time is <c>at_ms</c> (milliseconds from any origin) or
/// <c>submitted_at</c> (an ISO 8601 instant); every line has one or none does. A bad line fails with its number and field.
/// </summary>
internal static class HistoryReader
{
    public static List<HistoryEntry> Read(TextReader reader, string name)
    {
        var entries = new List<HistoryEntry>();
        var number = 0;
        var buffer = new System.Text.StringBuilder();
        while (WorkloadReader.ReadLine(reader, buffer, number + 1, name) is { } line) // bounded as a workload's lines
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            HistoryEntry entry;
            try
            {
                entry = Parse(line, number);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                throw new WorkloadException($"{name}:{number}: {e.Message}");
            }
            if (entries.Count > 0 && entries[0].SubmittedMs.HasValue != entry.SubmittedMs.HasValue)
            {
                throw new WorkloadException(entry.SubmittedMs.HasValue
                    ? $"{name}:{number}: has a submit time, but line {entries[0].Line} has none; give every line one (at_ms or submitted_at) or none"
                    : $"{name}:{number}: field 'at_ms' (or 'submitted_at') is missing, but line {entries[0].Line} has one; give every line a submit time or none");
            }
            entries.Add(entry);
        }
        if (entries.Count == 0) throw new WorkloadException($"{name}: no rows; expected one JSON object a line");
        return entries;
    }

    private static HistoryEntry Parse(string line, int number)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("expected a JSON object");
        return new HistoryEntry(number,
            OptionalString(root, "type") is { Length: > 0 } type ? type : throw new FormatException("field 'type' must be a non-empty string"),
            OptionalString(root, "entity"), OptionalString(root, "event"), OptionalString(root, "after"),
            Features(root),
            Number(root, "duration_ms") ?? throw new FormatException("field 'duration_ms' is missing; it must be a number ≥ 0"),
            Number(root, "memory_mb") ?? 0,
            Number(root, "at_ms") ?? SubmittedAt(root));
    }

    private static string? OptionalString(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new FormatException($"field '{field}' must be a string or null");
    }

    private static double? Number(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.Number && value.GetDouble() is var n && double.IsFinite(n) && n >= 0
            ? n : throw new FormatException($"field '{field}' must be a number ≥ 0");
    }

    // Milliseconds since the Unix epoch: only differences matter, and they survive the conversion exactly enough.
    private static double? SubmittedAt(JsonElement root)
    {
        if (OptionalString(root, "submitted_at") is not { } text) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUnixTimeMilliseconds() + at.Ticks % TimeSpan.TicksPerMillisecond / (double)TimeSpan.TicksPerMillisecond
            : throw new FormatException($"field 'submitted_at' is '{text}'; give an ISO 8601 instant such as 2025-01-31T12:00:00.250Z");
    }

    // Whole numbers stay whole ("rows":1200, not 1200.0), so a converted line reads like a generated one.
    private static Dictionary<string, object> Features(JsonElement root)
    {
        var features = new Dictionary<string, object>(StringComparer.Ordinal);
        if (!root.TryGetProperty("features", out var element) || element.ValueKind == JsonValueKind.Null) return features;
        if (element.ValueKind != JsonValueKind.Object) throw new FormatException("field 'features' must be an object of strings and numbers");
        foreach (var p in element.EnumerateObject())
        {
            features[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number when p.Value.TryGetInt64(out var whole) => whole,
                JsonValueKind.Number when double.IsFinite(p.Value.GetDouble()) => p.Value.GetDouble(),
                _ => throw new FormatException($"feature '{p.Name}' in field 'features' must be a string or a number"),
            };
        }
        return features;
    }
}
