namespace Surge.Autoscale;

/// <summary>
/// Recommends each silo group's pod memory request and limit from what its silos report (it never patches anything;
/// <c>surge autoscale recommend</c> and <c>surge_autoscale_memory_recommended_bytes</c> show it). Pure: time comes in
/// with each signal, as when it arrived.
///
/// Over the last <see cref="Window"/>: the peak task memory (the larger of the observed and the predicted peak of one
/// task), the most tasks one silo ran at once (its concurrency), and the silo's own footprint (process memory less
/// the memory of the tasks it ran then, at its smallest). The window counts by when signals arrived, not by a silo's
/// own clock, which may be skewed: one an hour ahead would push every other silo's samples out of it.
/// Request = (footprint + peak task × concurrency) × (1 + <see cref="Margin"/>); limit = request ×
/// <see cref="LimitRatio"/>, so the peak sits near 70% of the limit, far from the 95% where OOM kills were seen. Both
/// rounded up to 64 MiB.
/// </summary>
internal sealed class MemoryRecommender
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);
    public const double Margin = 0.15;
    public const double LimitRatio = 1.25;
    private const double RoundMb = 64;

    // Per group, one bucket a minute: the window's maxima are the buckets' maxima.
    private readonly Dictionary<string, LinkedList<Bucket>> _groups = new(StringComparer.Ordinal);

    public void Observe(string group, SiloSignal signal, DateTimeOffset receivedAt)
    {
        var minute = new DateTimeOffset(receivedAt.UtcTicks - receivedAt.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        if (!_groups.TryGetValue(group, out var buckets)) _groups[group] = buckets = new();
        if (buckets.Last?.Value is not { } last || last.Minute != minute) buckets.AddLast(last = new Bucket(minute));
        last.Add(signal);
        while (buckets.First!.Value.Minute < receivedAt - Window) buckets.RemoveFirst();
    }

    public MemoryRecommendation[] Recommend()
        => [.. _groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Recommend(g.Key, g.Value))];

    private static MemoryRecommendation Recommend(string group, LinkedList<Bucket> buckets)
    {
        var observed = buckets.Max(b => b.ObservedMb);
        var predicted = buckets.Max(b => b.PredictedMb);
        var concurrency = buckets.Max(b => b.Running);
        var footprint = buckets.Select(b => b.FootprintMb).Where(double.IsFinite).DefaultIfEmpty(0).Min();
        var peakTask = Math.Max(observed, predicted);
        var request = RoundUp((footprint + peakTask * concurrency) * (1 + Margin));
        return new MemoryRecommendation(group, buckets.Max(b => b.Silos.Count), Math.Round(observed, 1), Math.Round(predicted, 1), concurrency,
            Math.Round(footprint, 1), Margin, (long)request, (long)RoundUp(request * LimitRatio), Window, buckets.Sum(b => b.Samples));
    }

    private static double RoundUp(double mb) => Math.Max(RoundMb, Math.Ceiling(mb / RoundMb) * RoundMb);

    private sealed class Bucket(DateTimeOffset minute)
    {
        public DateTimeOffset Minute { get; } = minute;
        public HashSet<string> Silos { get; } = new(StringComparer.Ordinal);
        public double ObservedMb { get; private set; }
        public double PredictedMb { get; private set; }
        public int Running { get; private set; }
        public double FootprintMb { get; private set; } = double.PositiveInfinity;
        public int Samples { get; private set; }

        public void Add(SiloSignal s)
        {
            Silos.Add(s.Silo);
            Samples++;
            ObservedMb = Math.Max(ObservedMb, s.TaskMemoryPeakMb);
            PredictedMb = Math.Max(PredictedMb, s.PredictedTaskMemoryPeakMb);
            Running = Math.Max(Running, s.Pools.Sum(p => p.Running));
            // Silos that predate the process figure report 0: no footprint from them.
            if (s.ProcessMemoryMb > 0) FootprintMb = Math.Min(FootprintMb, Math.Max(0, s.ProcessMemoryMb - s.MemoryInUseMb));
        }
    }
}
