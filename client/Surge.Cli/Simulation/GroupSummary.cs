using System.Globalization;
using System.Text.Json;

namespace Surge.Cli.Simulation;

/// <summary>
/// The grouped simulation's command line and output: <c>--groups short:8,long:8</c> (name:slots[:start delay s]),
/// <c>--price short=0.3,long=1.0</c>; the short group is the spot one, which reclaims hit (restartable work is what
/// spot pods are for). Then a JSON line per group and a total line whose ratios are against Surge with one group
/// (every task on one set of pods at the on-demand price) in the same run.
/// </summary>
public static class GroupSummary
{
    /// <summary>Parses the groups; a wrong one throws <see cref="FormatException"/> naming it.</summary>
    public static IReadOnlyList<SimulatedGroup> Parse(string groups, string? prices, TimeSpan defaultStartDelay)
    {
        var priceOf = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, price) in Pairs(prices ?? "", "--price"))
            if (!priceOf.TryAdd(name, price)) throw new FormatException($"--price names {name} twice");
        var parsed = new List<SimulatedGroup>();
        foreach (var spec in groups.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = spec.Split(':');
            if (parts.Length is < 2 or > 3 || parts[0] is not ("short" or "long")
                || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var slots) || slots is < 1 or > 10_000)
                throw new FormatException($"--groups has '{spec}'; give POOL:SLOTS[:START_DELAY_S] with POOL short or long and SLOTS 1 to 10000, e.g. short:8,long:8");
            var delay = defaultStartDelay;
            if (parts.Length == 3)
                delay = int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s is >= 0 and <= 3600
                    ? TimeSpan.FromSeconds(s) : throw new FormatException($"--groups has '{spec}'; its start delay must be 0 to 3600 seconds");
            if (parsed.Any(g => g.Name == parts[0])) throw new FormatException($"--groups names {parts[0]} twice");
            parsed.Add(new SimulatedGroup(parts[0], slots, delay, priceOf.GetValueOrDefault(parts[0], 1.0), Spot: parts[0] == "short"));
        }
        if (parsed.Count == 0) throw new FormatException("--groups is empty; e.g. short:8,long:8");
        foreach (var name in priceOf.Keys.Where(n => parsed.All(g => g.Name != n)))
            throw new FormatException($"--price names {name}, which --groups does not have");
        return parsed;
    }

    /// <summary>
    /// One line per group, then the totals against <paramref name="single"/>: Surge with one group, paid at the price
    /// of the dearest group (one group must run the long work, so on on-demand pods).
    /// </summary>
    public static void Write(TextWriter stdout, GroupedResult grouped, SimulationResult single)
    {
        foreach (var g in grouped.Groups)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                policy = "surge",
                group = g.Group.Name,
                tasks = g.Tasks,
                slots_per_pod = g.Group.SlotsPerPod,
                pod_start_delay_s = g.Group.PodStartDelay.TotalSeconds,
                spot = g.Group.Spot,
                p95_wait_ms = g.Result.P95WaitMs,
                max_backlog = g.Result.MaxBacklog,
                pod_seconds = g.PodSeconds,
                floor_pod_s = g.FloorPodSeconds,
                busy_slot_s = g.Result.BusySlotSeconds,
                price = g.Group.Price,
                cost = g.Cost,
                scale_events = g.Result.ScaleEvents,
                reclaims = g.Result.Reclaims,
                requeued = g.Result.Requeued,
            }));
        }
        var singlePrice = grouped.Groups.Max(g => g.Group.Price);
        var singleCost = Math.Round(single.PodSeconds * singlePrice, 1);
        stdout.WriteLine(JsonSerializer.Serialize(new
        {
            policy = "surge",
            groups = string.Join(',', grouped.Groups.Select(g => g.Group.Name)),
            tasks = grouped.Tasks,
            p95_wait_ms = grouped.P95WaitMs,
            pod_seconds = grouped.PodSeconds,
            cost = grouped.Cost,
            lost_tasks = grouped.LostTasks,
            reclaims = grouped.Reclaims,
            requeued = grouped.Requeued,
            single_group = new { p95_wait_ms = single.P95WaitMs, pod_seconds = single.PodSeconds, busy_slot_s = single.BusySlotSeconds, scale_events = single.ScaleEvents, price = singlePrice, cost = singleCost },
            cost_ratio = Ratio(grouped.Cost, singleCost),
            p95_ratio = Ratio(grouped.P95WaitMs, single.P95WaitMs),
        }));
    }

    private static double? Ratio(double value, double baseline) => baseline > 0 ? Math.Round(value / baseline, 3) : null;

    private static IEnumerable<KeyValuePair<string, double>> Pairs(string text, string option)
    {
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = pair.Split('=');
            if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var price) || !(price >= 0) || !double.IsFinite(price))
                throw new FormatException($"{option} has '{pair}'; give GROUP=PRICE pairs, e.g. short=0.3,long=1.0");
            yield return KeyValuePair.Create(kv[0], price);
        }
    }
}
