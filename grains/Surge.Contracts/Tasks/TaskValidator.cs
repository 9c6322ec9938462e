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

    /// <summary>
    /// Id prefixes of the tasks silos submit themselves: a schedule's instants (<c>schedule:NAME:INSTANT</c>) and a
    /// wave's steps (<c>wave:…</c>). Those ids are predictable, so a client that could submit one first would suppress
    /// the real run; clients are refused them.
    /// </summary>
    public static readonly IReadOnlyList<string> ReservedIdPrefixes = ["schedule:", "wave:"];

    /// <summary>Feature names starting with this are the predictor's own columns (<c>$type</c>); clients are refused them.</summary>
    public const string ReservedFeaturePrefix = "$";

    /// <summary>The feature that names the type a <c>simulate</c> task stands in for; refused on every other type.</summary>
    public const string KindFeature = "kind";

    private const string SimulateType = "simulate";

    // Long names are cut in the field, so a refusal of a huge name does not echo it whole.
    private const int FieldNameShown = 32;

    /// <summary>
    /// Checks a client's submission against <paramref name="limits"/> (<see cref="TaskLimits.Default"/> when null),
    /// including the reserved names: an id with a <see cref="ReservedIdPrefixes">reserved prefix</see>, a feature
    /// starting with <c>$</c>, and <c>kind</c> on a type other than <c>simulate</c>; and <see cref="TaskSpec.Flow"/>,
    /// which only a wave sets.
    /// </summary>
    /// <exception cref="SurgeValidationException">The first problem found, naming its field and the fix.</exception>
    public static void Validate(TaskSpec spec, TaskLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        RefuseSystemOnly(spec);
        ValidateSystemTask(spec, limits);
    }

    /// <summary>
    /// Throws when a client's task carries what only silos set: a <see cref="ReservedIdPrefixes">reserved id</see>, or
    /// <see cref="TaskSpec.Flow"/>.
    /// </summary>
    public static void RefuseSystemOnly(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        RefuseReservedId(spec.Id);
        // A wave's step and its input pipes, handed to the handler as trusted: a client's would ride past the payload's
        // bound (the inputs are bounded only for what a wave itself gathered).
        if (spec.Flow is not null)
            throw new SurgeValidationException("flow", "is set by waves only; remove it, and start a wave (StartWaveAsync) to run a flow's tasks with their inputs");
    }

    /// <summary>
    /// Checks a task a silo submits itself (a schedule's instant, a wave's step): everything
    /// <see cref="Validate(TaskSpec, TaskLimits?)"/> checks except the reserved id prefixes, which only such tasks carry.
    /// </summary>
    public static void ValidateSystemTask(TaskSpec spec, TaskLimits? limits = null)
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
        ValidateReservedFeatures(spec);
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

    /// <summary>
    /// Checks a schedule before it is registered: its name, and the task it submits at <paramref name="now"/> (whose
    /// id carries the reserved <c>schedule:</c> prefix, as only a schedule's may). A schedule of waves submits no task
    /// itself: its flow and state are checked where they are known.
    /// </summary>
    public static void Validate(ScheduleSpec schedule, DateTimeOffset now, TaskLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Require(schedule.Name, "name", MaxNameLength, "give the schedule a name such as \"nightly-report\"");
        if (schedule.Wave is null) ValidateSystemTask(schedule.TaskFor(now), limits);
    }

    /// <summary>True when <paramref name="id"/> starts with one of the <see cref="ReservedIdPrefixes"/>.</summary>
    public static bool IsReservedId(string? id)
        => id is not null && ReservedIdPrefixes.Any(p => id.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Throws when a client's task id starts with a prefix reserved for the tasks silos submit themselves.</summary>
    public static void RefuseReservedId(string? id)
    {
        if (!IsReservedId(id)) return;
        var prefix = ReservedIdPrefixes.First(p => id!.StartsWith(p, StringComparison.Ordinal));
        throw new SurgeValidationException("id",
            $"ids starting with '{prefix}' are reserved for the tasks Surge submits itself (schedules, waves); choose another id, or register a schedule with ScheduleAsync");
    }

    // Names the predictor and routing read as Surge's own: a client must not be able to steer them.
    private static void ValidateReservedFeatures(TaskSpec spec)
    {
        foreach (var name in spec.Features.Keys)
        {
            if (name.StartsWith(ReservedFeaturePrefix, StringComparison.Ordinal))
            {
                throw new SurgeValidationException(FeatureField(name),
                    $"names starting with '{ReservedFeaturePrefix}' are reserved for the predictor's own columns (such as $type); rename the feature without the '{ReservedFeaturePrefix}'");
            }
        }
        if (spec.Type != SimulateType && spec.Features.ContainsKey(KindFeature))
        {
            throw new SurgeValidationException($"features.{KindFeature}",
                $"'{KindFeature}' names the type a '{SimulateType}' task stands in for and is refused on '{Shown(spec.Type)}'; the task's type is its kind: rename the feature, e.g. \"category\"");
        }
    }

    /// <summary>The field a refusal of feature <paramref name="name"/> names: <c>features.NAME</c>, a long name cut.</summary>
    public static string FeatureField(string name) => $"features.{Shown(name)}";

    private static string Shown(string name) => name.Length <= FieldNameShown ? name : $"{TextCut.Head(name, FieldNameShown)}…";

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
                throw new SurgeValidationException(FeatureField(name),
                    $"the name is {name.Length} characters, over the limit of {MaxFeatureNameLength}; use a short name such as \"source\"");
            }
            // The name goes into the field of every refusal below, so it is checked first: printable, as ids are.
            RefuseUnprintable(name, "features", "give every feature a printable name such as \"source\"");
            if (value.IsNumber && !double.IsFinite(value.Number))
                throw new SurgeValidationException(FeatureField(name), $"{value.Number} is not a finite number; send a finite number or a string");
            if (value.Text is { Length: > MaxFeatureTextLength } text)
            {
                throw new SurgeValidationException(FeatureField(name),
                    $"the text is {text.Length} characters (UTF-16), over the limit of {MaxFeatureTextLength}; send a category such as \"adwords\", not data");
            }
            if (value.Text is { } category) RefuseUnprintable(category, FeatureField(name), "send a category such as \"adwords\"");
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
                $"'{Shown(traceParent)}' is not a W3C traceparent " +
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
        RefuseUnprintable(value, field, fix);
        // " order/42" and "order/42" are two keys that read alike in every log and page: a pasted space would make a
        // second task, entity or event where the sender meant the one it sees.
        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
            throw new SurgeValidationException(field, $"'{value}' {(char.IsWhiteSpace(value[0]) ? "starts" : "ends")} with a space; remove it (spaces inside are kept); {fix}");
    }

    // Ids and names are keys in storage and text in logs: a control character (a newline, a NUL) forges a log line or
    // hides in a key, and a lone surrogate is not text at all (UTF-8 on the wire turns it into U+FFFD, so the id a
    // silo stores would not be the one sent). Printable Unicode, paired surrogates (emoji) included, passes. Shared
    // with the other ids clients send, such as a state's entity keys (EntityKeys).
    internal static void RefuseUnprintable(string value, string field, string fix)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            var what = char.IsControl(c) ? "a control character" : char.IsSurrogate(c) ? "a lone surrogate, which is not text" : null;
            if (what is not null)
                throw new SurgeValidationException(field, $"has {what} (U+{(int)c:X4}) at position {i + 1}; use printable characters only; {fix}");
        }
    }
}
