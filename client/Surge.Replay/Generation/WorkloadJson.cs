using System.Globalization;
using System.Text;

namespace Surge.Replay.Generation;

/// <summary>
/// One task as the reference generator writes it: <c>json.dumps(task, separators=(",", ":"))</c>, fields in its order,
/// floats as Python's repr ("8.0", not "8"), strings ASCII-escaped. System.Text.Json differs on both counts.
/// </summary>
internal static class WorkloadJson
{
    public static string Line(GeneratedTask task)
    {
        var json = new StringBuilder(256).Append('{');
        Field(json, "id", task.Id, first: true);
        Field(json, "at_ms", task.AtMs);
        Field(json, "type", task.Type);
        Field(json, "entity", task.Entity);
        Field(json, "event", task.Event);
        Field(json, "after", task.After);
        json.Append(",\"features\":{");
        var first = true;
        foreach (var (key, value) in task.Features)
        {
            Field(json, key, value, first);
            first = false;
        }
        json.Append('}');
        Field(json, "duration_ms", task.DurationMs);
        Field(json, "memory_mb", task.MemoryMb);
        return json.Append('}').ToString();
    }

    private static void Field(StringBuilder json, string name, object? value, bool first = false)
    {
        if (!first) json.Append(',');
        String(json, name);
        json.Append(':');
        Value(json, value);
    }

    private static void Value(StringBuilder json, object? value)
    {
        switch (value)
        {
            case null: json.Append("null"); break;
            case string text: String(json, text); break;
            case bool flag: json.Append(flag ? "true" : "false"); break;
            case double number: json.Append(Float(number)); break;
            case float number: json.Append(Float(number)); break;
            case IFormattable integer: json.Append(integer.ToString(null, CultureInfo.InvariantCulture)); break;
            default: throw new ArgumentException($"no JSON form for {value.GetType().Name}", nameof(value));
        }
    }

    // json.dumps writes the non-finite floats as JavaScript names, the finite ones as repr.
    private static string Float(double number) => double.IsNaN(number) ? "NaN"
        : double.IsPositiveInfinity(number) ? "Infinity"
        : double.IsNegativeInfinity(number) ? "-Infinity"
        : PythonFloat.Repr(number);

    // ensure_ascii: every char outside printable ASCII as \uXXXX (UTF-16 units, so astral chars become surrogate pairs).
    private static void String(StringBuilder json, string text)
    {
        json.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                default:
                    if (c < ' ' || c > '~') json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else json.Append(c);
                    break;
            }
        }
        json.Append('"');
    }
}
