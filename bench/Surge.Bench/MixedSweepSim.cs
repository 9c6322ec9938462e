using System.Text.Json;
using Surge.Pools;
using Surge.Prediction;
using Surge.Prediction.Models;
using Surge.Replay;
using Surge.Routing;
using Surge.Workers;

namespace Surge.Bench;

/// <summary>
/// <c>mixed --sweep --simulate</c>: the same lines as <see cref="MixedSweep"/> with oracle routing, but the silo's own
/// pool rules (<see cref="PoolLedger"/>) run in simulated time over the workload, with no silo, threads or clock: each
/// task runs exactly its duration. Latencies are the rules' alone (no scheduling, no load from other processes), so a
/// rule can be checked on many worlds in seconds, and figures do not move with the machine's load. Not a substitute for
/// the measured sweep: it has no runtime overhead unless <c>--overhead-ms</c> adds some, and the trained model's guesses
/// stay fixed (no online learning).
/// </summary>
/// <remarks>
/// <c>--overhead-ms</c> holds each task's slot that much longer than its duration: what a measured run adds around it,
/// mostly the <c>simulate</c> handler's timer firing late (<see cref="ShortTail.LateMs"/>: 1.1–1.3 ms a short task), and
/// the hand-off to a thread. 2–3 ms reproduced the measured sweep on the default world (at 2 ms: best split 50.1 ms,
/// oracle line 61.3, trained model 63.9; measured 51.5–51.9, 58.3–63.6, 63.8–67.6), where 0 does not: a tight reserve
/// queues much more when each of its runs is a few ms longer, a roomy one hardly at all. Each line also reports how
/// many slots long work held, on average, when its slowest 1% of short tasks arrived (<c>tail_long_slots</c>).
/// </remarks>
internal static class MixedSweepSim
{
    private const double Tolerance = 1.05;

    /// <param name="modelPath">A model trained on the world's history: the adaptive line with predicted routing routes by it.</param>
    /// <param name="overheadMs">Added to every task's run: the runtime's own time around a handler.</param>
    public static void Run(IReadOnlyList<WorkloadTask> workload, int slots, string modelPath, double overheadMs = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(overheadMs);
        var oracle = workload.Select(t => Oracle(t.DurationMs)).ToArray();
        var model = SurgeModel.Load(modelPath);
        var predicted = workload.Select(t => Predicted(model, t)).ToArray();
        var single = Simulate(workload, slots, RoutingMode.Single, split: null, oracle, overheadMs);
        var splits = Enumerable.Range(1, slots - 1).Select(s => (Short: s, Row: Simulate(workload, slots, RoutingMode.Oracle, s, oracle, overheadMs))).ToList();
        var adaptive = Simulate(workload, slots, RoutingMode.Oracle, split: null, oracle, overheadMs);
        var adaptivePredicted = Simulate(workload, slots, RoutingMode.Predicted, split: null, predicted, overheadMs);
        bool Fair(Row r) => r.LongP99Ms <= Tolerance * single.LongP99Ms && r.MakespanS <= Tolerance * single.MakespanS;
        var best = splits.Where(s => Fair(s.Row)).OrderBy(s => s.Row.ShortP99Ms).Select(s => ((int, Row)?)s).FirstOrDefault();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "mixed_sweep_simulated",
            slots,
            overhead_ms = overheadMs,
            single,
            splits = splits.Select(s => new { @short = s.Short, @long = slots - s.Short, fair = Fair(s.Row), row = s.Row }),
            best_split = best is { } b ? $"{b.Item1}+{slots - b.Item1}" : null,
            adaptive_oracle = adaptive,
            adaptive_predicted = adaptivePredicted,
            oracle_vs_best_short_p99 = best is { } o ? Ratio(adaptive.ShortP99Ms, o.Item2.ShortP99Ms) : null,
            oracle_vs_single_long_p99 = Ratio(adaptive.LongP99Ms, single.LongP99Ms),
            predicted_vs_best_short_p99 = best is { } p ? Ratio(adaptivePredicted.ShortP99Ms, p.Item2.ShortP99Ms) : null,
            predicted_vs_single_long_p99 = Ratio(adaptivePredicted.LongP99Ms, single.LongP99Ms),
            predicted_vs_single_makespan = Ratio(adaptivePredicted.MakespanS, single.MakespanS),
            predicted_vs_oracle_short_p99 = Ratio(adaptivePredicted.ShortP99Ms, adaptive.ShortP99Ms),
        }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
    }

    internal sealed record Row(double ShortP50Ms, double ShortP99Ms, double LongP99Ms, double MakespanS, double TailLongSlots);

    // A task's pool, its likely duration and the cautious guess that chose the pool (the duration itself when known).
    private readonly record struct Route(PoolKind Pool, double? PredictedMs, double? UpperMs);

    // One discrete-event run: arrivals at their offsets, each start ends its duration later; ticks are microseconds.
    private static Route Oracle(double durationMs)
        => new(durationMs < RoutingOptions.DefaultShortThresholdMs ? PoolKind.Short : PoolKind.Long, durationMs, durationMs);

    // As TaskRouter routes with a model: short only when the pessimistic guess is under the threshold; a type the model
    // does not know goes to the default (long) pool.
    private static Route Predicted(SurgeModel model, WorkloadTask task)
    {
        var guess = model.Predict(task.Type, task.Features.Select(f => new Feature(f.Key, f.Value.Text, f.Value.Number)).ToArray());
        if (!guess.Confident) return new(PoolKind.Long, null, null);
        return new(guess.UpperDurationMs < RoutingOptions.DefaultShortThresholdMs ? PoolKind.Short : PoolKind.Long, guess.DurationMs, guess.UpperDurationMs);
    }

    private static Row Simulate(IReadOnlyList<WorkloadTask> workload, int slots, RoutingMode mode, int? split, Route[] routes, double overheadMs)
    {
        const long TicksPerMs = 1000;
        var options = new PoolsOptions { Short = new() { Initial = split ?? 0 }, Long = new() { Initial = split is { } s ? slots - s : 0 } };
        var pools = PoolLayout.Create(new PoolShape(mode, Adaptive: mode != RoutingMode.Single && split is null), slots, options, TicksPerMs * 1000);
        var longPool = pools.FirstOrDefault(p => p.Kind == PoolKind.Long);
        var ledger = new PoolLedger(pools, slots, double.MaxValue);
        var decide = new PoolDecisions();
        var ends = new PriorityQueue<(WorkItem Item, PoolSlots Pool, double AtMs), double>();
        var tasks = new Dictionary<WorkItem, (double DurationMs, int LongSlots)>(); // its duration, and the slots long work held as it arrived
        var (shortMs, longMs) = (new List<(double Ms, int LongSlots)>(), new List<double>());
        var lastMs = 0.0;
        var next = 0;
        while (next < workload.Count || ends.Count > 0)
        {
            var endAt = ends.TryPeek(out _, out var at) ? at : double.MaxValue;
            double now;
            if (next < workload.Count && workload[next].AtMs <= endAt)
            {
                var task = workload[next++];
                now = task.AtMs;
                var (pool, predictedMs, upperMs) = mode == RoutingMode.Single ? new Route(PoolKind.Single, null, null) : routes[next - 1];
                var item = new WorkItem(TaskSpec.Create(task.Type, id: task.Id), pool, predictedMs, upperMs: upperMs);
                tasks[item] = (task.DurationMs, longPool?.Running ?? 0);
                ledger.Enqueue(item, (long)(now * TicksPerMs), decide);
            }
            else
            {
                var (item, pool, arrivedMs) = ends.Dequeue();
                now = lastMs = endAt;
                var (durationMs, longSlots) = tasks[item];
                if (durationMs < RoutingOptions.DefaultShortThresholdMs) shortMs.Add((now - arrivedMs, longSlots));
                else longMs.Add(now - arrivedMs);
                ledger.Ended(item, pool, durationMs, (long)(now * TicksPerMs), decide); // the handler's own time, as a silo reports it
                ledger.Settle(item);
            }
            foreach (var (item, pool) in decide.Start)
                ends.Enqueue((item, pool, item.EnqueuedAt / (double)TicksPerMs), now + tasks[item].DurationMs + overheadMs);
            decide.Clear();
        }
        var sojourns = shortMs.Select(s => s.Ms).ToList();
        var tail = shortMs.OrderByDescending(s => s.Ms).Take(Math.Max(1, shortMs.Count / 100)).ToList();
        return new Row(Round(Percentiles.Of(sojourns, 0.5)), Round(Percentiles.Of(sojourns, 0.99)), Round(Percentiles.Of(longMs, 0.99)), Math.Round(lastMs / 1000, 3),
            tail.Count == 0 ? 0 : Math.Round(tail.Average(s => s.LongSlots), 2));
    }

    private static double Round(double ms) => Math.Round(ms, 1);

    private static double? Ratio(double a, double b) => b == 0 ? null : Math.Round(a / b, 3); // null, not NaN: JSON has no NaN
}
