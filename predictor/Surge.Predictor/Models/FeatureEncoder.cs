using System.Text.Json.Serialization;

namespace Surge.Prediction.Models;

/// <summary>
/// Turns a task's type and features into the fixed-width vector the models read, with a layout learned from history:
/// each numeric feature is a value plus a "missing" flag; each text feature (and the type) is target-encoded as the
/// smoothed mean log-duration and log-memory of its value, plus one-hot columns when it has few values. An unseen
/// value encodes as the overall mean and a missing feature as its flag: neither throws. Allocation-free.
/// </summary>
internal sealed class FeatureEncoder
{
    public const string TypeFeature = "$type";
    private const int MaxOneHotValues = 16;
    private const double Smoothing = 10;

    [JsonInclude] public Dictionary<string, int> Numeric { get; private set; } = new(StringComparer.Ordinal);
    [JsonInclude] public Dictionary<string, CategoricalColumn> Categorical { get; private set; } = new(StringComparer.Ordinal);
    [JsonInclude] public int Width { get; private set; }

    public bool KnowsType(string type) => Categorical.TryGetValue(TypeFeature, out var c) && c.Targets.ContainsKey(type);

    public static FeatureEncoder Learn(IReadOnlyList<HistoryRow> rows)
    {
        var encoder = new FeatureEncoder();
        var globalDuration = rows.Average(r => LogDuration(r));
        var globalMemory = rows.Average(r => LogMemory(r));
        var numericNames = new SortedSet<string>(StringComparer.Ordinal);
        var values = new SortedDictionary<string, Dictionary<string, (double Duration, double Memory, int Count)>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            Accumulate(values, TypeFeature, row.Type, row);
            foreach (var f in row.Features)
            {
                if (f.IsNumber) numericNames.Add(f.Name);
                else Accumulate(values, f.Name, f.Text!, row);
            }
        }
        var next = 0;
        foreach (var name in numericNames)
        {
            encoder.Numeric[name] = next;
            next += 2; // value, missing flag
        }
        foreach (var (name, byValue) in values)
        {
            var column = new CategoricalColumn { Offset = next, GlobalDuration = (float)globalDuration, GlobalMemory = (float)globalMemory };
            next += 2;
            var oneHot = byValue.Count <= MaxOneHotValues;
            foreach (var (value, (duration, memory, count)) in byValue.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                column.Targets[value] = new Target(
                    (float)((duration + Smoothing * globalDuration) / (count + Smoothing)),
                    (float)((memory + Smoothing * globalMemory) / (count + Smoothing)),
                    oneHot ? next++ : -1);
            }
            encoder.Categorical[name] = column;
        }
        encoder.Width = next;
        return encoder;
    }

    /// <summary>Writes the vector of one task into <paramref name="vector"/> (length <see cref="Width"/>).</summary>
    public void Encode(string type, ReadOnlySpan<Feature> features, Span<float> vector)
    {
        vector.Clear();
        foreach (var offset in Numeric.Values) vector[offset + 1] = 1; // missing until seen
        foreach (var column in Categorical.Values) column.WriteUnseen(vector);
        if (Categorical.TryGetValue(TypeFeature, out var typeColumn)) typeColumn.Write(type, vector);
        foreach (var f in features)
        {
            if (f.IsNumber)
            {
                if (Numeric.TryGetValue(f.Name, out var offset) && double.IsFinite(f.Number))
                {
                    // Past float's range it would be infinite, which the trainers read as missing: a history whose
                    // feature was 1e300 on every row (finite, so accepted) left no row to train on.
                    vector[offset] = (float)Math.Clamp(f.Number, float.MinValue, float.MaxValue);
                    vector[offset + 1] = 0;
                }
            }
            else if (Categorical.TryGetValue(f.Name, out var column))
            {
                column.Write(f.Text!, vector);
            }
        }
    }

    internal static double LogDuration(HistoryRow row) => Math.Log(1 + Math.Max(0, row.DurationMs));
    internal static double LogMemory(HistoryRow row) => Math.Log(1 + Math.Max(0, row.MemoryMb));

    private static void Accumulate(SortedDictionary<string, Dictionary<string, (double, double, int)>> values, string name, string value, HistoryRow row)
    {
        if (!values.TryGetValue(name, out var byValue)) values[name] = byValue = new Dictionary<string, (double, double, int)>(StringComparer.Ordinal);
        var (d, m, n) = byValue.GetValueOrDefault(value);
        byValue[value] = (d + LogDuration(row), m + LogMemory(row), n + 1);
    }

    public sealed class CategoricalColumn
    {
        [JsonInclude] public int Offset { get; set; }
        [JsonInclude] public float GlobalDuration { get; set; }
        [JsonInclude] public float GlobalMemory { get; set; }
        [JsonInclude] public Dictionary<string, Target> Targets { get; private set; } = new(StringComparer.Ordinal);

        public void WriteUnseen(Span<float> vector)
        {
            vector[Offset] = GlobalDuration;
            vector[Offset + 1] = GlobalMemory;
        }

        public void Write(string value, Span<float> vector)
        {
            if (!Targets.TryGetValue(value, out var target)) return; // unseen: stays at the overall mean
            vector[Offset] = target.Duration;
            vector[Offset + 1] = target.Memory;
            if (target.OneHot >= 0) vector[target.OneHot] = 1;
        }
    }

    public readonly record struct Target(float Duration, float Memory, int OneHot);
}
