using System.Collections.Immutable;
using System.Text.Json;

namespace Surge.Replay;

/// <summary>Reads a JSON Lines workload; a bad line is reported with its number and the field to fix.</summary>
public static class WorkloadReader
{
    /// <summary>Latest arrival a workload may give (<c>at_ms</c>): 30 days, well within what a replay can wait for.</summary>
    public const long MaxAtMs = 30L * 24 * 60 * 60 * 1000;

    public static IReadOnlyList<WorkloadTask> Read(string path)
    {
        if (!File.Exists(path)) throw new WorkloadException($"{path}: no such file; generate one with: surge workload generate mixed --n 3000 --out {path}");
        using var reader = File.OpenText(path);
        return Read(reader, Path.GetFileName(path));
    }

    /// <summary>
    /// Longest line read, in characters: a line describes one task (its id, type, a few features and its truth), not
    /// its data; a generated line is a few hundred characters, one with 64 features of the most text some 70,000.
    /// </summary>
    public const int MaxLineChars = 1024 * 1024;

    public static IReadOnlyList<WorkloadTask> Read(TextReader reader, string name)
    {
        var tasks = new List<WorkloadTask>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        var buffer = new System.Text.StringBuilder();
        while (ReadLine(reader, buffer, number + 1, name) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var task = Parse(line, number, name);
            if (!ids.Add(task.Id)) throw new WorkloadException($"{name}:{number}: id '{task.Id}' appears twice; ids must be unique");
            tasks.Add(task);
        }
        if (tasks.Count == 0) throw new WorkloadException($"{name}: no tasks; expected one JSON object a line");
        tasks.Sort((a, b) => a.AtMs.CompareTo(b.AtMs));
        return tasks;
    }

    /// <summary>
    /// Throws when a task of <paramref name="tasks"/> would be refused by the cluster (an event without an entity, a
    /// sequence of 0, a reserved id or feature): named by its line and field before anything is submitted, rather than
    /// counted as rejected after the earlier tasks ran. Not part of <see cref="Read(string)"/>: a history is read the
    /// same way, and its ids may be the silos' own (<c>schedule:…</c>).
    /// </summary>
    public static IReadOnlyList<WorkloadTask> Replayable(IReadOnlyList<WorkloadTask> tasks, string name)
    {
        foreach (var task in tasks.OrderBy(t => t.Line))
        {
            try
            {
                TaskValidator.Validate(task.ToSpec(allocate: false));
                SimulateBounds.Check(task.DurationMs, task.MemoryMb); // each line is replayed as a simulate task
            }
            catch (SurgeValidationException e)
            {
                throw new WorkloadException($"{name}:{task.Line}: {e.Message}");
            }
        }
        return tasks;
    }

    // A line as TextReader.ReadLine reads it (ended by \n, \r or \r\n), or null at the end; one past MaxLineChars is
    // refused as soon as it passes the bound rather than read whole (a 100 MB line took a gigabyte).
    internal static string? ReadLine(TextReader reader, System.Text.StringBuilder line, int number, string name)
    {
        line.Clear();
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (c == '\n') return line.ToString();
            if (c == '\r')
            {
                if (reader.Peek() == '\n') reader.Read();
                return line.ToString();
            }
            if (line.Length == MaxLineChars)
            {
                throw new WorkloadException(
                    $"{name}:{number}: the line is over {MaxLineChars} characters; a line describes one task (id, type, features, duration_ms), not its data: put large data elsewhere");
            }
            line.Append((char)c);
        }
        return line.Length > 0 ? line.ToString() : null;
    }

    private static WorkloadTask Parse(string line, int number, string name)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("expected a JSON object");
            return new WorkloadTask(
                number,
                RequiredString(root, "id"),
                // Refused here rather than when the replay reaches it, after the earlier tasks were submitted.
                (long)Number(root, "at_ms", required: false, min: 0, max: MaxAtMs),
                RequiredString(root, "type"),
                OptionalString(root, "entity"),
                OptionalString(root, "event"),
                OptionalString(root, "after"),
                Sequence(root),
                Features(root),
                Number(root, "duration_ms", required: true, min: 0),
                Number(root, "memory_mb", required: false, min: 0));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new WorkloadException($"{name}:{number}: {e.Message}");
        }
    }

    private static string RequiredString(JsonElement root, string field)
        => OptionalString(root, field) is { Length: > 0 } s ? s : throw new FormatException($"field '{field}' must be a non-empty string");

    private static string? OptionalString(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new FormatException($"field '{field}' must be a string or null");
    }

    private static double Number(JsonElement root, string field, bool required, double min, double max = double.MaxValue)
    {
        var range = max == double.MaxValue ? $"≥ {min}" : $"from {min} to {max}";
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            return required ? throw new FormatException($"field '{field}' is missing; it must be a number {range}") : 0;
        if (value.ValueKind != JsonValueKind.Number || value.GetDouble() is var n && (!double.IsFinite(n) || n < min || n > max))
            throw new FormatException($"field '{field}' must be a number {range}");
        return value.GetDouble();
    }

    // Other kinds were, and are, read as no sequence; a number must be whole, as an entity's events are numbered 1, 2, 3.
    private static long? Sequence(JsonElement root)
    {
        if (!root.TryGetProperty("sequence", out var value) || value.ValueKind != JsonValueKind.Number) return null;
        return value.TryGetInt64(out var sequence) ? sequence : throw new FormatException($"field 'sequence' must be a whole number such as 1, not {value.GetRawText()}");
    }

    private static ImmutableDictionary<string, FeatureValue> Features(JsonElement root)
    {
        if (!root.TryGetProperty("features", out var features) || features.ValueKind == JsonValueKind.Null)
            return ImmutableDictionary<string, FeatureValue>.Empty;
        if (features.ValueKind != JsonValueKind.Object) throw new FormatException("field 'features' must be an object of strings and numbers");
        var builder = ImmutableDictionary.CreateBuilder<string, FeatureValue>(StringComparer.Ordinal);
        foreach (var p in features.EnumerateObject())
        {
            builder[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => FeatureValue.Of(p.Value.GetString()!),
                JsonValueKind.Number => FeatureValue.Of(p.Value.GetDouble()),
                _ => throw new FormatException($"feature '{p.Name}' must be a string or a number"),
            };
        }
        return builder.ToImmutable();
    }
}

/// <summary>A workload file that cannot be replayed; the message names the line and field.</summary>
public sealed class WorkloadException(string message) : Exception(message);
