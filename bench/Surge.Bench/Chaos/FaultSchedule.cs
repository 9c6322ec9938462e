namespace Surge.Bench.Chaos;

internal enum FaultKind { Kill9, Sigterm, Cut, Partition, Stall, Slow }

/// <summary>One planned fault: when (seconds from the start), what, and on which silo slot (kill -9, SIGTERM, partition; a stall: 0 SIGSTOP, 1 DEBUG SLEEP).</summary>
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
/// Two kinds are only run when <c>--faults</c> names them: <see cref="FaultKind.Stall"/>, Redis itself stalled with its
/// connections open (SIGSTOP, or <c>DEBUG SLEEP</c>, every other time) every 40 s from 20 s for <c>--stall-seconds</c>;
/// and <see cref="FaultKind.Slow"/>, every link slow (Redis and silo to silo) every 60 s from 50 s for 20 s.
/// With <c>--sigterm-in-cuts</c>, the rolling restart moves to 3 s before every other Redis cut (the cuts at 45, 135,
/// 225 s…, halfway between two kills), so that the end of the drain (stops took 6–7 s in chaos runs) falls in the
/// cut: a silo that cannot write its leaving to the membership.
/// </summary>
internal static class FaultSchedule
{
    public static readonly TimeSpan KillPeriod = TimeSpan.FromSeconds(30), RestartAfterKill = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan SigtermPeriod = TimeSpan.FromSeconds(60), SigtermPhase = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan CutPeriod = TimeSpan.FromSeconds(45), CutLength = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan PartitionPeriod = TimeSpan.FromSeconds(75), PartitionPhase = TimeSpan.FromSeconds(40);
    public static readonly TimeSpan PartitionLength = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan StallPeriod = TimeSpan.FromSeconds(40), StallPhase = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan StallLength = TimeSpan.FromSeconds(8);
    public static readonly TimeSpan SlowPeriod = TimeSpan.FromSeconds(60), SlowPhase = TimeSpan.FromSeconds(50), SlowLength = TimeSpan.FromSeconds(20);

    /// <summary>The kinds a run injects when <c>--faults</c> is not given.</summary>
    public static readonly IReadOnlySet<FaultKind> Default = new HashSet<FaultKind> { FaultKind.Kill9, FaultKind.Sigterm, FaultKind.Cut };

    public static IReadOnlyList<PlannedFault> Create(TimeSpan duration, int seed, int silos, bool partitions = false)
        => Create(duration, seed, silos, partitions ? new HashSet<FaultKind>(Default) { FaultKind.Partition } : Default);

    /// <summary>How long before a cut a rolling restart lands with <c>--sigterm-in-cuts</c>: the end of its drain falls in the cut.</summary>
    public static readonly TimeSpan SigtermBeforeCut = TimeSpan.FromSeconds(3);

    public static IReadOnlyList<PlannedFault> Create(TimeSpan duration, int seed, int silos, IReadOnlySet<FaultKind> kinds, bool sigtermInCuts = false)
    {
        var random = new Random(seed);
        var faults = new List<PlannedFault>();
        // Drawn whether or not kills are on, so the other kinds' slots do not depend on it.
        for (var t = KillPeriod; t < duration; t += KillPeriod) faults.Add(new(t.TotalSeconds, FaultKind.Kill9, random.Next(silos)));
        var rolling = random.Next(silos);
        var (first, period) = sigtermInCuts ? (CutPeriod - SigtermBeforeCut, CutPeriod * 2) : (SigtermPeriod + SigtermPhase, SigtermPeriod);
        for (var t = first; t < duration; t += period) faults.Add(new(t.TotalSeconds, FaultKind.Sigterm, rolling++ % silos));
        for (var t = CutPeriod; t < duration; t += CutPeriod) faults.Add(new(t.TotalSeconds, FaultKind.Cut, -1));
        if (kinds.Contains(FaultKind.Partition))
            for (var t = PartitionPhase; t < duration; t += PartitionPeriod) faults.Add(new(t.TotalSeconds, FaultKind.Partition, random.Next(silos)));
        var stalls = 0;
        for (var t = StallPhase; t < duration; t += StallPeriod) faults.Add(new(t.TotalSeconds, FaultKind.Stall, stalls++ % 2)); // slot: 0 SIGSTOP, 1 DEBUG SLEEP
        for (var t = SlowPhase; t < duration; t += SlowPeriod) faults.Add(new(t.TotalSeconds, FaultKind.Slow, -1));
        return [.. faults.Where(f => kinds.Contains(f.Kind)).OrderBy(f => f.AtS).ThenBy(f => f.Kind)];
    }

    /// <summary>Reads <c>--faults</c> (e.g. <c>stall,slow</c>); null with the reason when a name is not a kind.</summary>
    public static (IReadOnlySet<FaultKind>? Kinds, string? Error) Parse(string list)
    {
        var kinds = new HashSet<FaultKind>();
        foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<FaultKind>(name, ignoreCase: true, out var kind) || int.TryParse(name, out _))
                return (null, $"--faults names '{name}'; use a comma-separated list of {string.Join(", ", Enum.GetNames<FaultKind>().Select(n => n.ToLowerInvariant()))}");
            kinds.Add(kind);
        }
        return kinds.Count == 0 ? (null, "--faults is empty; name at least one of " + string.Join(", ", Enum.GetNames<FaultKind>().Select(n => n.ToLowerInvariant()))) : (kinds, null);
    }
}
