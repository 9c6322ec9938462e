namespace Surge.Bench.Chaos;

internal enum FaultKind { Kill9, Sigterm, Cut, Partition }

/// <summary>One planned fault: when (seconds from the start), what, and on which silo slot (kill -9, SIGTERM).</summary>
internal sealed record PlannedFault(double AtS, FaultKind Kind, int Slot);

/// <summary>
/// The seeded fault schedule of issue 14: kill -9 of a random silo every 30 s (restarted 5 s later), a SIGTERM
/// rolling restart every 60 s, a 5 s cut of the silos' Redis link every 45 s. Periods are fixed; the seed picks the
/// silos (a kill's slot at random, the rolling restart's starting slot). The rolling restart runs 15 s after each
/// full minute so that it never lands on the same instant as a kill (which would take two of three silos at once by
/// design rather than by chance); cuts may coincide with either, as they would.
/// With <c>--partitions</c> (off by default), also a 15 s (<c>--partition-seconds</c>) cut of one random silo from the other silos every 75 s
/// (from 40 s), its Redis link and gateway left up; its slots are drawn after all the others, so the rest of the
/// schedule is the same with or without.
/// </summary>
internal static class FaultSchedule
{
    public static readonly TimeSpan KillPeriod = TimeSpan.FromSeconds(30), RestartAfterKill = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan SigtermPeriod = TimeSpan.FromSeconds(60), SigtermPhase = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan CutPeriod = TimeSpan.FromSeconds(45), CutLength = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan PartitionPeriod = TimeSpan.FromSeconds(75), PartitionPhase = TimeSpan.FromSeconds(40);
    public static readonly TimeSpan PartitionLength = TimeSpan.FromSeconds(15);

    public static IReadOnlyList<PlannedFault> Create(TimeSpan duration, int seed, int silos, bool partitions = false)
    {
        var random = new Random(seed);
        var faults = new List<PlannedFault>();
        for (var t = KillPeriod; t < duration; t += KillPeriod) faults.Add(new(t.TotalSeconds, FaultKind.Kill9, random.Next(silos)));
        var rolling = random.Next(silos);
        for (var t = SigtermPeriod + SigtermPhase; t < duration; t += SigtermPeriod) faults.Add(new(t.TotalSeconds, FaultKind.Sigterm, rolling++ % silos));
        for (var t = CutPeriod; t < duration; t += CutPeriod) faults.Add(new(t.TotalSeconds, FaultKind.Cut, -1));
        if (partitions)
            for (var t = PartitionPhase; t < duration; t += PartitionPeriod) faults.Add(new(t.TotalSeconds, FaultKind.Partition, random.Next(silos)));
        return [.. faults.OrderBy(f => f.AtS).ThenBy(f => f.Kind)];
    }
}
