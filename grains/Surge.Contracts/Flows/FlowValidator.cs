using System.Text.RegularExpressions;

namespace Surge.Flows;

/// <summary>One thing wrong with a flow: the task (or <c>flow</c>), the field, and how to fix it.</summary>
public sealed record FlowError(string Task, string Field, string Message)
{
    /// <summary><c>task.field: message</c>, as the validation exception lists errors.</summary>
    public override string ToString() => $"{Task}.{Field}: {Message}";
}

/// <summary>
/// Checks a flow where it is registered, collecting every failure: names, versions and bounds, one producer per pipe,
/// every input produced by some task, and no cycle.
/// </summary>
public static partial class FlowValidator
{
    /// <summary>Most tasks one flow has; split a larger one.</summary>
    public const int MaxTasks = 64;

    /// <summary>Longest flow, task or pipe name, in characters.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Most input pipes one task reads.</summary>
    public const int MaxInputs = 16;

    /// <summary>
    /// Most payload one flow carries, all its tasks' together, in UTF-8 bytes: a flow is stored whole and read by every
    /// wave. Each task's alone is bounded as a task's is: by the silo's <c>Surge:Workers:MaxPayloadBytes</c> where the
    /// flow is registered, by <see cref="TaskValidator.DefaultMaxPayloadBytes"/> at a client.
    /// </summary>
    public const int MaxPayloadBytes = 4 * 1024 * 1024;

    /// <summary>Longest a task may wait for its inputs before it runs degraded.</summary>
    public static readonly TimeSpan MaxDependencyTimeout = TimeSpan.FromDays(7);

    /// <summary>Longest a flow may keep its pipes.</summary>
    public static readonly TimeSpan MaxPipeTtl = TimeSpan.FromDays(90);

    /// <summary>
    /// Throws <see cref="SurgeValidationException"/> whose field is the first failure's and whose message lists them all.
    /// Each task's payload is checked against <paramref name="maxPayloadBytes"/>: a silo passes its configured limit,
    /// which its shards check every step against; a client, the default.
    /// </summary>
    public static void Validate(FlowDefinition flow, int maxPayloadBytes = TaskValidator.DefaultMaxPayloadBytes)
    {
        var errors = Check(flow, maxPayloadBytes);
        if (errors.Count == 0) return;
        var first = errors[0];
        throw new SurgeValidationException($"{first.Task}.{first.Field}",
            errors.Count == 1 ? first.Message : first.Message + string.Concat(errors.Skip(1).Select(e => $"; {e}")));
    }

    /// <summary>Every failure, in the order of the tasks; empty when the flow is good. Payloads as in <see cref="Validate"/>.</summary>
    public static IReadOnlyList<FlowError> Check(FlowDefinition flow, int maxPayloadBytes = TaskValidator.DefaultMaxPayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var errors = new List<FlowError>();
        Name(errors, "flow", "name", flow.Name, "name the flow, e.g. \"scoring\"");
        if (flow.PipeTtl <= TimeSpan.Zero || flow.PipeTtl > MaxPipeTtl)
            errors.Add(new("flow", "pipeTtl", $"{flow.PipeTtl} is out of range; keep pipes between a second and {MaxPipeTtl.TotalDays:F0} days"));
        var tasks = flow.Tasks.IsDefault ? [] : flow.Tasks;
        if (tasks.Length == 0) errors.Add(new("flow", "tasks", "the flow has no task; add at least one"));
        if (tasks.Length > MaxTasks) errors.Add(new("flow", "tasks", $"{tasks.Length} tasks exceed the limit of {MaxTasks}; split the flow"));

        var names = new HashSet<string>(StringComparer.Ordinal);
        var producers = new Dictionary<string, string>(StringComparer.Ordinal);
        long payloads = 0;
        for (var index = 0; index < tasks.Length; index++)
        {
            // Only a flow sent past a client's builder can hold a null task or pipe: named, not thrown as a NullReferenceException.
            if (tasks[index] is not { } task)
            {
                errors.Add(new($"tasks[{index}]", "task", "is null; give every task a name, type, version and output"));
                continue;
            }
            var who = string.IsNullOrEmpty(task.Name) ? "(unnamed task)" : task.Name;
            if (Name(errors, who, "name", task.Name, "name the task, e.g. \"score\"") && !names.Add(task.Name))
                errors.Add(new(who, "name", "another task has this name; give each task its own"));
            if (string.IsNullOrWhiteSpace(task.Type) || task.Type.Length > TaskValidator.MaxNameLength)
                errors.Add(new(who, "type", $"name a task type registered on the silos (1 to {TaskValidator.MaxNameLength} characters), e.g. \"simulate\""));
            if (task.Version is null || !VersionPattern().IsMatch(task.Version))
                errors.Add(new(who, "version", $"\"{task.Version}\" is not a version; write v1, v2, 1.2 or 1.2.3"));
            if (Name(errors, who, "output", task.Output, "name the pipe the task writes, e.g. \"scores\"")
                && !producers.TryAdd(task.Output, who))
                errors.Add(new(who, "output", $"task '{producers[task.Output]}' writes pipe '{task.Output}' too; a pipe has one producer"));
            if (task.DependencyTimeout <= TimeSpan.Zero || task.DependencyTimeout > MaxDependencyTimeout)
                errors.Add(new(who, "dependencyTimeout", $"{task.DependencyTimeout} is out of range; wait between a second and {MaxDependencyTimeout.TotalDays:F0} days"));
            var inputs = task.Inputs.IsDefault ? [] : task.Inputs;
            if (inputs.Length > MaxInputs) errors.Add(new(who, "inputs", $"{inputs.Length} inputs exceed the limit of {MaxInputs}"));
            if (inputs.Contains(null!)) errors.Add(new(who, "inputs", "a pipe name is null; list the names of the pipes the task reads"));
            if (inputs.Distinct(StringComparer.Ordinal).Count() != inputs.Length) errors.Add(new(who, "inputs", "a pipe is listed twice; list each once"));
            if (inputs.Contains(task.Output)) errors.Add(new(who, "inputs", $"the task reads its own output '{task.Output}'; a task cannot depend on itself"));
            // Each step submits its payload as a task's: bounded here, where the flow is registered, not at every wave.
            var bytes = task.Payload is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(task.Payload);
            payloads += bytes;
            if (bytes > maxPayloadBytes)
                errors.Add(new(who, "payload", $"{bytes} bytes (UTF-8) is over the limit of {maxPayloadBytes} bytes (Surge:Workers:MaxPayloadBytes); store large data elsewhere and pass a reference"));
            else if (!IsJsonObject(task.Payload)) errors.Add(new(who, "payload", "not a JSON object; write {} for none"));
        }
        if (payloads > MaxPayloadBytes)
            errors.Add(new("flow", "tasks", $"the tasks' payloads total {payloads} bytes (UTF-8), over the limit of {MaxPayloadBytes} bytes; store large data elsewhere and pass a reference, or split the flow"));
        foreach (var task in tasks.Where(t => t is not null))
            foreach (var input in task.Inputs.IsDefault ? [] : task.Inputs)
                if (input is not null && !producers.ContainsKey(input))
                    errors.Add(new(task.Name, "inputs", $"pipe '{input}' is produced by no task; add a task whose output is '{input}', or remove it"));
        if (errors.Count == 0 && FindCycle(tasks, producers) is { } cycle)
            errors.Add(new(cycle[0], "inputs", $"the tasks form a cycle: {string.Join(" -> ", cycle)} -> {cycle[0]}; break it"));
        return errors;
    }

    private static bool Name(List<FlowError> errors, string task, string field, string? value, string fix)
    {
        if (value is not null && NamePattern().IsMatch(value)) return true;
        errors.Add(new(task, field, $"\"{value}\" is not a name: use 1 to {MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit; {fix}"));
        return false;
    }

    // Depth-first over "reads from" edges; the first back edge found is reported as the cycle's tasks, in order.
    private static List<string>? FindCycle(IReadOnlyList<FlowTask> tasks, Dictionary<string, string> producers)
    {
        var byName = tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
        var path = new List<string>();
        List<string>? Visit(string name)
        {
            state[name] = 1;
            path.Add(name);
            foreach (var input in byName[name].Inputs is { IsDefault: false } inputs ? inputs : [])
            {
                var producer = producers[input];
                if (state.GetValueOrDefault(producer) == 1) return path[path.IndexOf(producer)..];
                if (state.GetValueOrDefault(producer) == 0 && Visit(producer) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[name] = 2;
            return null;
        }
        foreach (var task in tasks)
            if (state.GetValueOrDefault(task.Name) == 0 && Visit(task.Name) is { } cycle)
            {
                cycle.Reverse(); // found along "reads from"; shown along the data's direction
                return cycle;
            }
        return null;
    }

    private static bool IsJsonObject(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return false;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>Checks a version given for a wave (<c>--version score=v2</c>).</summary>
    public static bool IsVersion(string? version) => version is not null && VersionPattern().IsMatch(version);

    /// <summary>Task, pipe and flow names: safe in a pipe key, a task id and a Redis key.</summary>
    public static bool IsName(string? name) => name is not null && NamePattern().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^v?[0-9]{1,6}(\.[0-9]{1,6}){0,2}\z")]
    private static partial Regex VersionPattern();
}
