using System.Diagnostics;

namespace Surge;

/// <summary>
/// Checks a submission at the edge (client and grain alike) so bad input never reaches a pool.
/// Every message names the field and says how to fix it.
/// </summary>
public static class TaskValidator
{
    /// <summary>Largest payload unless a silo is configured otherwise (<c>Surge:Workers:MaxPayloadBytes</c>): 1 MiB.</summary>
    public const int DefaultMaxPayloadBytes = 1024 * 1024;

    /// <summary>Longest task id, in characters: ids are keys in storage and logs.</summary>
    public const int MaxIdLength = 256;

    /// <summary>Longest task type, event (and <c>after</c>) or schedule name, in characters.</summary>
    public const int MaxNameLength = 128;

    /// <summary>Most features one task may carry: a predictor reads a handful, and each one is stored with the task.</summary>
    public const int MaxFeatures = 64;

    /// <summary>Longest feature name, in characters.</summary>
    public const int MaxFeatureNameLength = 128;

    /// <summary>Longest text feature value, in UTF-16 characters (what <see cref="string.Length"/> counts).</summary>
    public const int MaxFeatureTextLength = 1024;

    /// <summary>Longest <see cref="TaskSpec.TraceParent"/>: version 00 is 55 characters; later versions may append fields.</summary>
    public const int MaxTraceParentLength = 256;

    // Long names are cut in the field, so a refusal of a huge name does not echo it whole.
    private const int FieldNameShown = 32;

    /// <summary>Checks <paramref name="spec"/> against <paramref name="limits"/> (<see cref="TaskLimits.Default"/> when null).</summary>
    /// <exception cref="SurgeValidationException">The first problem found, naming its field and the fix.</exception>
    public static void Validate(TaskSpec spec, TaskLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        limits ??= TaskLimits.Default;
        Require(spec.Id, "id", MaxIdLength, "use a stable idempotency key such as an order id, or omit it to generate one");
        Require(spec.Type, "type", MaxNameLength, "name a task type registered on the silos, e.g. \"simulate\"");
        if (spec.Payload.Length > limits.MaxPayloadBytes)
        {
            throw new SurgeValidationException("payload",
                $"{spec.Payload.Length} bytes exceeds the limit of {limits.MaxPayloadBytes} bytes; store large data elsewhere and pass a reference");
        }
        ValidateFeatures(spec.Features);
        ValidateEntity(spec);
        if (spec.Timeout is { } timeout && timeout <= TimeSpan.Zero)
            throw new SurgeValidationException("timeout", $"{timeout} must be positive; omit it for the type's default");
        if (spec.Timeout is { } longTimeout && longTimeout > limits.MaxTimeout)
        {
            throw new SurgeValidationException("timeout",
                $"{longTimeout} exceeds the limit of {limits.MaxTimeout} (Surge:Tasks:MaxTimeout); split the work into shorter tasks or omit the timeout for the type's default");
        }
        if (spec.MaxAttempts is { } attempts && attempts is < 1 or > 100)
            throw new SurgeValidationException("maxAttempts", $"{attempts} is outside 1 to 100; 1 runs once without retry, omit it for the type's policy");
        if (spec.Flow is { } flow && flow.InputBytes > FlowStep.MaxInputBytes)
            throw new SurgeValidationException("flow.inputs",
                $"the inputs total {flow.InputBytes} bytes, over the limit of {FlowStep.MaxInputBytes}; keep pipes small and store large data elsewhere");
        ValidateTraceParent(spec.TraceParent);
    }

    /// <summary>Same as <see cref="Validate(TaskSpec, TaskLimits?)"/> with the default timeout limit.</summary>
    public static void Validate(TaskSpec spec, int maxPayloadBytes)
        => Validate(spec, TaskLimits.Default with { MaxPayloadBytes = maxPayloadBytes });

    // Features travel with every task and feed the predictor: bounded so one submission cannot bloat a record.
    private static void ValidateFeatures(IReadOnlyDictionary<string, FeatureValue>? features)
    {
        if (features is null) throw new SurgeValidationException("features", "must not be null; pass an empty map");
        if (features.Count > MaxFeatures)
        {
            throw new SurgeValidationException("features",
                $"{features.Count} features exceed the limit of {MaxFeatures}; send only what predicts duration or memory, and put the rest in the payload");
        }
        foreach (var (name, value) in features)
        {
            if (string.IsNullOrWhiteSpace(name))
                throw new SurgeValidationException("features", "a feature name is empty; give every feature a name");
            if (name.Length > MaxFeatureNameLength)
            {
                throw new SurgeValidationException($"features.{name[..FieldNameShown]}…",
                    $"the name is {name.Length} characters, over the limit of {MaxFeatureNameLength}; use a short name such as \"source\"");
            }
            if (value.IsNumber && !double.IsFinite(value.Number))
                throw new SurgeValidationException($"features.{name}", $"{value.Number} is not a finite number; send a finite number or a string");
            if (value.Text is { Length: > MaxFeatureTextLength } text)
            {
                throw new SurgeValidationException($"features.{name}",
                    $"the text is {text.Length} characters (UTF-16), over the limit of {MaxFeatureTextLength}; send a category such as \"adwords\", not data");
            }
        }
    }

    // Kept with the record and parsed by every attempt: a well-formed W3C traceparent or nothing, so neither junk nor
    // a long string rides along with the task.
    private static void ValidateTraceParent(string? traceParent)
    {
        if (traceParent is null) return;
        if (traceParent.Length > MaxTraceParentLength || !ActivityContext.TryParse(traceParent, null, out _))
        {
            throw new SurgeValidationException("traceParent",
                $"'{(traceParent.Length > FieldNameShown ? traceParent[..FieldNameShown] + "…" : traceParent)}' is not a W3C traceparent " +
                "(00-<32 hex trace id>-<16 hex span id>-<2 hex flags>); omit it, and the client takes the current span's");
        }
    }

    private static void ValidateEntity(TaskSpec spec)
    {
        if (spec.Entity is null)
        {
            if (spec.After is not null)
                throw new SurgeValidationException("after", "requires an entity: 'after' orders events of one entity; set 'entity' or drop 'after'");
            if (spec.Sequence is not null)
                throw new SurgeValidationException("sequence", "requires an entity: set 'entity' or drop 'sequence'");
            if (spec.Event is not null)
                throw new SurgeValidationException("event", "requires an entity: set 'entity' or drop 'event'");
            return;
        }
        Require(spec.Entity, "entity", MaxIdLength, "use a stable key such as \"build/42\", or omit it for an independent task");
        if (spec.Event is not null) Require(spec.Event, "event", MaxNameLength, "name the event, e.g. \"build.started\"");
        if (spec.After is not null)
        {
            Require(spec.After, "after", MaxNameLength, "name the prerequisite event, e.g. \"build.started\"");
            if (spec.After == spec.Event)
                throw new SurgeValidationException("after", $"'{spec.After}' names the event itself; an event cannot wait for itself");
        }
        if (spec.Sequence is < 1)
            throw new SurgeValidationException("sequence", $"{spec.Sequence} must be 1 or more: an entity's events are numbered 1, 2, 3, …");
    }

    private static void Require(string? value, string field, int maxLength, string fix)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new SurgeValidationException(field, $"must not be empty; {fix}");
        if (value.Length > maxLength)
            throw new SurgeValidationException(field, $"is {value.Length} characters, over the limit of {maxLength}; {fix}");
    }
}
