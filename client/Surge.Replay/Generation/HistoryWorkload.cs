namespace Surge.Replay.Generation;

/// <summary>How <see cref="HistoryWorkload"/> turns a history into a workload.</summary>
/// <param name="Speed">Arrivals this many times faster than recorded (2 halves every gap); more than 0.</param>
/// <param name="Limit">Only the first this many arrivals; null for all.</param>
public sealed record FromHistoryOptions(double Speed = 1, int? Limit = null);

/// <summary>What a conversion wrote.</summary>
/// <param name="Tasks">The workload's tasks, in arrival order.</param>
/// <param name="KeptSubmitTimes">
/// True when the history had submit times and the gaps between them were kept (divided by the speed); false when it
/// had none and the tasks were laid back to back in file order, each arriving as the one before would end on a single
/// worker (its duration divided by the speed).
/// </param>
public sealed record HistoryConversion(IReadOnlyList<GeneratedTask> Tasks, bool KeptSubmitTimes);

/// <summary>
/// <c>surge workload from-history</c>: turns a recorded history (the rows the predictor learns from) into a workload
/// that <c>surge replay</c> submits, so a team can replay its own traffic. The first arrival is at 0 ms. Ids are new
/// (<c>h-000000</c>, ...), never the recorded ones: replayed against the cluster that recorded them, the old ids would
/// only find the finished tasks again.
/// </summary>
public static class HistoryWorkload
{
    /// <summary>Reads a history and returns the workload; a bad line throws <see cref="WorkloadException"/> naming the line and field.</summary>
    public static HistoryConversion Convert(TextReader history, string name, FromHistoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!double.IsFinite(options.Speed) || options.Speed <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.Speed, "Speed must be more than 0");
        if (options.Limit is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Limit, "Limit must be 1 or more");

        var entries = HistoryReader.Read(history, name);
        var timed = entries[0].SubmittedMs.HasValue;
        var arrivals = timed ? Recorded(entries, options.Speed) : BackToBack(entries, options.Speed);
        var count = Math.Min(arrivals.Count, options.Limit ?? int.MaxValue);
        var tasks = new List<GeneratedTask>(count);
        for (var i = 0; i < count; i++)
        {
            var (e, atMs) = arrivals[i];
            // As replay reads at_ms (a submit time of year 1 and one of 9999 made one of 2^63 ms, which replay refused).
            if (atMs is < 0 or > WorkloadReader.MaxAtMs)
            {
                throw new WorkloadException($"{name}: arrival {i + 1} would come {(atMs < 0 ? "past the range of a long" : $"at {atMs} ms")}, over the "
                    + $"{WorkloadReader.MaxAtMs} ms (30 days) a workload may span; compress it with --speed, or take the first arrivals with --limit");
            }
            tasks.Add(new GeneratedTask($"h-{i:000000}", atMs, e.Type, e.Entity, e.Event, e.After, e.Features, e.DurationMs, e.MemoryMb));
        }
        return new HistoryConversion(tasks, timed);
    }

    /// <summary>Converts the history file at <paramref name="historyPath"/> and writes the workload to <paramref name="workloadPath"/>.</summary>
    public static HistoryConversion Write(string historyPath, string workloadPath, FromHistoryOptions options)
    {
        if (!File.Exists(historyPath)) throw new WorkloadException($"{historyPath}: no such file");
        if (string.Equals(Path.GetFullPath(historyPath), Path.GetFullPath(workloadPath), StringComparison.Ordinal))
            throw new WorkloadException($"{workloadPath}: the workload would be written over the history it is read from; choose another --out");
        HistoryConversion conversion;
        using (var reader = File.OpenText(historyPath)) conversion = Convert(reader, Path.GetFileName(historyPath), options);
        using var writer = new StreamWriter(workloadPath) { NewLine = "\n" };
        foreach (var task in conversion.Tasks) writer.WriteLine(WorkloadJson.Line(task));
        return conversion;
    }

    // Sorted by submit time (stable: equal times keep the file's order), shifted to start at 0.
    private static List<(HistoryEntry, long)> Recorded(List<HistoryEntry> entries, double speed)
    {
        var sorted = entries.OrderBy(e => e.SubmittedMs!.Value).ToList();
        var origin = sorted[0].SubmittedMs!.Value;
        return sorted.ConvertAll(e => (e, (long)((e.SubmittedMs!.Value - origin) / speed)));
    }

    private static List<(HistoryEntry, long)> BackToBack(List<HistoryEntry> entries, double speed)
    {
        var arrivals = new List<(HistoryEntry, long)>(entries.Count);
        var at = 0.0;
        foreach (var e in entries)
        {
            arrivals.Add((e, (long)at));
            at += e.DurationMs / speed;
        }
        return arrivals;
    }
}
