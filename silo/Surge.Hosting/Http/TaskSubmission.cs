using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Surge.Hosting;

/// <summary>
/// The body of <c>POST /api/tasks</c>: a <see cref="TaskSpec"/> as JSON, field for field, named as the validator's
/// messages name them (camelCase), so a refusal's field is the one the caller wrote. Unknown fields are refused, so a
/// typo such as <c>max_attempts</c> is named rather than silently ignored.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record TaskSubmission
{
    /// <summary>Idempotency key; a generated one when absent.</summary>
    public string? Id { get; init; }

    public string? Type { get; init; }

    /// <summary>Any JSON value, handed to the handler as its UTF-8 text; <c>{}</c> when absent.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Name to a string or a number, what a predictor may read.</summary>
    public Dictionary<string, JsonElement>? Features { get; init; }

    public string? Entity { get; init; }
    public string? Event { get; init; }
    public string? After { get; init; }
    public long? Sequence { get; init; }

    /// <summary>Seconds (<c>300</c> or <c>"300"</c>), or a duration (<c>"00:05:00"</c>, <c>"PT5M"</c>).</summary>
    [JsonConverter(typeof(DurationJsonConverter))]
    public TimeSpan? Timeout { get; init; }

    public int? MaxAttempts { get; init; }

    /// <summary>The spec this body asks for; validation is the caller's (<see cref="TaskValidator"/>).</summary>
    /// <exception cref="SurgeValidationException">A feature that is neither a string nor a number.</exception>
    public TaskSpec ToSpec()
    {
        var payload = Payload is { ValueKind: not JsonValueKind.Null } p ? TextOf("payload", p, static e => e.GetRawText(), "send the body as UTF-8 JSON") : "{}";
        return new TaskSpec(Id ?? Guid.NewGuid().ToString("N"), Type!, Encoding.UTF8.GetBytes(payload), ToFeatures(Features),
            Entity, Event, After, Sequence, Timeout, MaxAttempts);
    }

    private static ImmutableDictionary<string, FeatureValue> ToFeatures(Dictionary<string, JsonElement>? features)
    {
        if (features is null) return ImmutableDictionary<string, FeatureValue>.Empty;
        var built = ImmutableDictionary.CreateBuilder<string, FeatureValue>(StringComparer.Ordinal);
        foreach (var (name, value) in features)
        {
            built[name] = value.ValueKind switch
            {
                JsonValueKind.String => FeatureValue.Of(TextOf(TaskValidator.FeatureField(name), value, static e => e.GetString()!, "send UTF-8 text such as \"adwords\"")),
                JsonValueKind.Number => FeatureValue.Of(value.GetDouble()),
                _ => throw new SurgeValidationException(TaskValidator.FeatureField(name),
                    $"is {value.ValueKind.ToString().ToLowerInvariant()}; give a string such as \"adwords\" or a number such as 1200"),
            };
        }
        return built.ToImmutable();
    }

    // The reader checks a value's bytes only when its text is read: invalid UTF-8, or an escaped lone surrogate
    // ("\ud800"), passes the parse and throws here, past the handlers of a bad body (a 500 with a stack trace).
    private static string TextOf(string field, JsonElement value, Func<JsonElement, string> read, string fix)
    {
        try
        {
            return read(value);
        }
        catch (InvalidOperationException)
        {
            throw new SurgeValidationException(field, $"is not valid text (invalid UTF-8, or an escaped lone surrogate such as \\ud800); {fix}");
        }
    }
}

/// <summary>
/// A duration as Python or Go sends it most easily: a number of seconds, bare or quoted; or as a string, .NET's
/// <c>00:05:00</c> or ISO 8601's <c>PT5M</c>.
/// </summary>
internal sealed class DurationJsonConverter : JsonConverter<TimeSpan?>
{
    public override bool HandleNull => true;

    public override TimeSpan? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number when reader.TryGetDouble(out var seconds) && double.IsFinite(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds:
                return TimeSpan.FromSeconds(seconds);
            case JsonTokenType.String when DurationText.TryParse(reader.GetString()!, out var duration):
                return duration;
        }
        throw new JsonException("give a number of seconds such as 300, or a duration such as \"00:05:00\" or \"PT5M\"");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan? value, JsonSerializerOptions options)
    {
        if (value is { } v) writer.WriteNumberValue(v.TotalSeconds);
        else writer.WriteNullValue();
    }
}
