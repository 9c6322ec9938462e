using System.Text.Json;
using Surge.Flows;

namespace Surge.Programs;

/// <summary>
/// What a program run by a wave reads on stdin, one JSON object:
/// <c>{"wave","flow","task","version","entity","date","degraded","inputs":{pipe: value},"missing":[pipe],"payload":{…}}</c>.
/// A pipe that holds JSON is embedded as JSON, any other as a string.
/// </summary>
internal static class FlowStdin
{
    public static byte[] Of(FlowStep step, ReadOnlyMemory<byte> payload)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("wave", step.Wave);
            json.WriteString("flow", step.Flow);
            json.WriteString("task", step.Task);
            json.WriteString("version", step.Version);
            json.WriteString("entity", step.Entity);
            json.WriteString("date", step.Date);
            json.WriteBoolean("degraded", step.Degraded);
            json.WriteStartObject("inputs");
            foreach (var (pipe, value) in step.Inputs.OrderBy(i => i.Key, StringComparer.Ordinal))
            {
                json.WritePropertyName(pipe);
                WriteValue(json, value);
            }
            json.WriteEndObject();
            json.WriteStartArray("missing");
            foreach (var pipe in step.Missing) json.WriteStringValue(pipe);
            json.WriteEndArray();
            json.WritePropertyName("payload");
            WriteValue(json, payload);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter json, ReadOnlyMemory<byte> value)
    {
        if (value.IsEmpty)
        {
            json.WriteNullValue();
            return;
        }
        try
        {
            using var document = JsonDocument.Parse(value);
            document.WriteTo(json);
        }
        catch (JsonException)
        {
            json.WriteStringValue(System.Text.Encoding.UTF8.GetString(value.Span));
        }
    }
}
