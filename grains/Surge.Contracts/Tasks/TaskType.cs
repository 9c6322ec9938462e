using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Surge;

/// <summary>
/// A task type with its input and output: the one descriptor client and silo share, so neither spells the type name
/// nor the JSON by hand. Declare it once in a contracts assembly:
/// <c>public static readonly TaskType&lt;ResizeRequest, ResizeResult&gt; Resize = new("resize");</c>
/// </summary>
/// <remarks>
/// Payload and result are UTF-8 JSON (System.Text.Json). Without options the web defaults apply (camelCase,
/// case-insensitive), and nullable annotations and required constructor parameters are enforced, so a payload that
/// leaves out a required field fails naming it rather than running with a null. Pass options or source-generated
/// <see cref="JsonTypeInfo{T}"/>s to choose otherwise (trimming, AOT, naming).
/// </remarks>
public sealed class TaskType<TIn, TOut>
{
    private readonly JsonSerializerOptions? _options;
    private JsonTypeInfo<TIn>? _input;
    private JsonTypeInfo<TOut>? _output;

    /// <summary>A type whose payload and result use <see cref="TaskJson.DefaultOptions"/>.</summary>
    public TaskType(string name) : this(name, TaskJson.DefaultOptions)
    {
    }

    /// <summary>A type whose payload and result use <paramref name="options"/> (naming, converters, a resolver).</summary>
    public TaskType(string name, JsonSerializerOptions options)
    {
        Name = CheckName(name);
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>A type serialized by source-generated contracts (e.g. <c>MyJsonContext.Default.ResizeRequest</c>).</summary>
    public TaskType(string name, JsonTypeInfo<TIn> input, JsonTypeInfo<TOut> output)
    {
        Name = CheckName(name);
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _output = output ?? throw new ArgumentNullException(nameof(output));
    }

    /// <summary>The task type name handlers are registered under and tasks carry (<see cref="TaskSpec.Type"/>).</summary>
    public string Name { get; }

    // Resolved on first use, not in the constructor: a static field initializer must not fail on a type the
    // options cannot serialize until someone actually sends one.
    private JsonTypeInfo<TIn> Input => _input ??= (JsonTypeInfo<TIn>)_options!.GetTypeInfo(typeof(TIn));
    private JsonTypeInfo<TOut> Output => _output ??= (JsonTypeInfo<TOut>)_options!.GetTypeInfo(typeof(TOut));

    /// <summary>A task of this type carrying <paramref name="input"/>, with a generated id unless one is given.</summary>
    public TaskSpec Create(TIn input, string? id = null, IReadOnlyDictionary<string, FeatureValue>? features = null)
        => new(id ?? Guid.NewGuid().ToString("N"), Name, SerializeInput(input),
            features?.ToImmutableDictionary() ?? ImmutableDictionary<string, FeatureValue>.Empty);

    /// <summary>The payload bytes of <paramref name="input"/>: what a byte-level submission of this type carries.</summary>
    public byte[] SerializeInput(TIn input) => JsonSerializer.SerializeToUtf8Bytes(input, Input);

    /// <summary>Reads a payload; throws <see cref="JsonException"/> (with the JSON path) when it is not a <typeparamref name="TIn"/>, or is null.</summary>
    public TIn DeserializeInput(ReadOnlySpan<byte> payload) => TaskJson.Read(payload, Input, Name, "payload");

    /// <summary>The result bytes of <paramref name="output"/>: what a typed handler's return value is stored as.</summary>
    public byte[] SerializeOutput(TOut output) => JsonSerializer.SerializeToUtf8Bytes(output, Output);

    /// <summary>Reads a result; throws <see cref="JsonException"/> (with the JSON path) when it is not a <typeparamref name="TOut"/>, or is null.</summary>
    public TOut DeserializeOutput(ReadOnlySpan<byte> result) => TaskJson.Read(result, Output, Name, "result");

    /// <summary>The name with its input and output types, for logs and errors.</summary>
    public override string ToString() => $"{Name} ({typeof(TIn).Name} -> {typeof(TOut).Name})";

    private static string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > TaskValidator.MaxNameLength)
            throw new ArgumentException($"task type name is {name.Length} characters; at most {TaskValidator.MaxNameLength}", nameof(name));
        return name;
    }
}

/// <summary>The JSON conventions of typed tasks.</summary>
public static class TaskJson
{
    /// <summary>
    /// What a <see cref="TaskType{TIn, TOut}"/> uses without options: web defaults, strict about nulls and required
    /// constructor parameters, so a missing or null field is an error that names it.
    /// </summary>
    public static JsonSerializerOptions DefaultOptions { get; } = CreateDefaultOptions();

    private static JsonSerializerOptions CreateDefaultOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    // Empty or literal null is refused too: a handler declared to take a TIn never gets a null one.
    internal static T Read<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> info, string type, string what)
    {
        if (json.IsEmpty) throw new JsonException($"the {what} of '{type}' is empty; expected a JSON {typeof(T).Name}.", "$", null, null);
        return JsonSerializer.Deserialize(json, info)
            ?? throw new JsonException($"the {what} of '{type}' is null; expected a JSON {typeof(T).Name}.", "$", null, null);
    }
}
