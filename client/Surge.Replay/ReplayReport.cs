using System.Text.Json;
using System.Text.Json.Serialization;

namespace Surge.Replay;

/// <summary>The replay report; its JSON shape is a contract benchmarks and tests read.</summary>
public sealed record ReplayReport(
    string Workload,
    string Mode,
    int Tasks,
    int Completed,
    int Failed,
    int Rejected,
    double MakespanS,
    double ThroughputPerS,
    LatencySummary Short,
    LatencySummary Long,
    int OrderingViolations,
    RoutingSummary Routing)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string ToJson(bool indented = false) => JsonSerializer.Serialize(this, indented ? new JsonSerializerOptions(Json) { WriteIndented = true } : Json);

    public static ReplayReport Build(string workload, string mode, IReadOnlyList<ReplayResult> results)
    {
        var finished = results.Where(r => r.Final is not null).ToList();
        var makespanS = finished.Count == 0 ? 0 : finished.Max(r => r.CompletedAtMs) / 1000.0;
        var completed = finished.Count(r => r.Final!.State == TaskState.Succeeded);
        return new ReplayReport(
            workload, mode, results.Count, completed,
            finished.Count(r => r.Final!.State == TaskState.Failed),
            results.Count(r => r.Rejection is not null),
            Math.Round(makespanS, 3),
            makespanS > 0 ? Math.Round(completed / makespanS, 1) : 0,
            LatencySummary.Of(finished.Where(r => r.Task.IsShort).Select(r => r.SojournMs)),
            LatencySummary.Of(finished.Where(r => !r.Task.IsShort).Select(r => r.SojournMs)),
            OrderingCheck.CountViolations(finished),
            RoutingSummary.Of(finished));
    }
}

public sealed record LatencySummary(int Count, double P50Ms, double P95Ms, double P99Ms)
{
    public static LatencySummary Of(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        return new LatencySummary(sorted.Length, Ms(sorted, 0.50), Ms(sorted, 0.95), Ms(sorted, 0.99));
    }

    private static double Ms(double[] sorted, double q) => Math.Round(Percentiles.NearestRank<double>(sorted, q), 1);
}

/// <summary>
/// How well routing matched truth ("short" = true duration under 50 ms). A task in the one pool of
/// <c>single</c> mode counts as routed long: it shares the queue of the long tasks.
/// </summary>
public sealed record RoutingSummary(double Accuracy, int ShortAsLong, int LongAsShort)
{
    public static RoutingSummary Of(IReadOnlyCollection<ReplayResult> finished)
    {
        var routed = finished.Where(r => r.Final!.Pool is not null).ToList();
        var shortAsLong = routed.Count(r => r.Task.IsShort && r.Final!.Pool != PoolKind.Short);
        var longAsShort = routed.Count(r => !r.Task.IsShort && r.Final!.Pool == PoolKind.Short);
        var accuracy = routed.Count == 0 ? 0 : 1.0 - (double)(shortAsLong + longAsShort) / routed.Count;
        return new RoutingSummary(Math.Round(accuracy, 4), shortAsLong, longAsShort);
    }
}
