using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Surge.Flows;

/// <summary>
/// Flows as JSON, for files and the CLI:
/// <code>
/// {"name": "scoring", "pipeTtl": "7.00:00:00",
///  "tasks": [{"name": "score", "type": "simulate", "version": "v1", "inputs": ["features"], "output": "scores",
///             "dependencyTimeout": "00:10:00", "payload": {"duration_ms": 5}}]}
/// </code>
/// Durations are <c>[d.]hh:mm:ss</c>. Reading throws <see cref="SurgeValidationException"/> naming the field; it does
/// not validate the graph (<see cref="FlowValidator"/> does, where the flow is registered).
/// </summary>
public static class FlowJson
{
    /// <summary>The largest flow file read.</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>Reads a flow file's text; throws <see cref="SurgeValidationException"/> naming the field that is wrong.</summary>
    public static FlowDefinition Parse(string json)
    {
        if (json.Length > MaxBytes) throw new SurgeValidationException("flow", $"{json.Length} characters exceed the limit of {MaxBytes}");
        JsonNode? root;
        try
        {
            // A second "name" in an object is refused here: read later, it threw an ArgumentException (a stack trace).
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions
                { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new SurgeValidationException("flow", $"not valid JSON ({e.Message}); see the flow file example in the docs");
        }
        if (root is not JsonObject flow) throw new SurgeValidationException("flow", "expected a JSON object with \"name\" and \"tasks\"");
        var name = Text(flow, "name", "flow.name") ?? "";
        var ttl = Duration(flow, "pipeTtl", "flow.pipeTtl") ?? FlowDefinition.DefaultPipeTtl;
        if (flow["tasks"] is not JsonArray tasks) throw new SurgeValidationException("flow.tasks", "expected an array of tasks");
        var parsed = ImmutableArray.CreateBuilder<FlowTask>(tasks.Count);
        for (var i = 0; i < tasks.Count; i++)
        {
            if (tasks[i] is not JsonObject task) throw new SurgeValidationException($"tasks[{i}]", "expected a JSON object");
            var where = $"tasks[{i}]";
            var taskName = Text(task, "name", $"{where}.name") ?? "";
            where = taskName.Length > 0 ? taskName : where;
            var inputs = task["inputs"] switch
            {
                null => [],
                JsonArray list => list.Select((n, j) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s
                    : throw new SurgeValidationException($"{where}.inputs[{j}]", "expected a pipe name (a string)")).ToImmutableArray(),
                _ => throw new SurgeValidationException($"{where}.inputs", "expected an array of pipe names"),
            };
            var payload = task["payload"] switch
            {
                null => "{}",
                JsonObject o => o.ToJsonString(),
                _ => throw new SurgeValidationException($"{where}.payload", "expected a JSON object"),
            };
            parsed.Add(new FlowTask(taskName, Text(task, "type", $"{where}.type") ?? "", Text(task, "version", $"{where}.version") ?? "",
                inputs, Text(task, "output", $"{where}.output") ?? "",
                Duration(task, "dependencyTimeout", $"{where}.dependencyTimeout") ?? FlowBuilder.DefaultDependencyTimeout, payload));
        }
        return new FlowDefinition(name, parsed.ToImmutable(), ttl);
    }

    /// <summary>The flow as JSON that <see cref="Parse"/> reads back, as <c>surge flow show</c> prints it.</summary>
    public static string Write(FlowDefinition flow) => new JsonObject
    {
        ["name"] = flow.Name,
        ["pipeTtl"] = flow.PipeTtl.ToString("c", CultureInfo.InvariantCulture),
        ["tasks"] = new JsonArray([.. flow.Tasks.Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t.Name,
            ["type"] = t.Type,
            ["version"] = t.Version,
            ["inputs"] = new JsonArray([.. t.Inputs.Select(i => (JsonNode)JsonValue.Create(i))]),
            ["output"] = t.Output,
            ["dependencyTimeout"] = t.DependencyTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["payload"] = JsonNode.Parse(t.Payload),
        })]),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static string? Text(JsonObject o, string property, string field) => o[property] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw new SurgeValidationException(field, "expected a string"),
    };

    private static TimeSpan? Duration(JsonObject o, string property, string field)
    {
        var text = Text(o, property, field);
        if (text is null) return null;
        // A bare number is seconds, as everywhere else: "30" was thirty days here.
        return DurationText.TryParse(text, out var d) ? d
            : throw new SurgeValidationException(field, $"\"{text}\" is not a duration; write seconds (600), hh:mm:ss (00:10:00) or ISO 8601 (PT10M)");
    }
}
