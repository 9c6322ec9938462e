namespace Surge.Replay.Generation;

/// <summary>The workloads Surge generates (JSON Lines, the format <see cref="WorkloadReader"/> reads).</summary>
public enum WorkloadKind
{
    /// <summary>Finished executions over a day, for training the predictor.</summary>
    History,
    /// <summary>Open-loop arrivals of short and long tasks mixed, sized for a number of slots.</summary>
    Mixed,
    /// <summary>Per-build started/finished events, ends often close behind starts and delivered out of order.</summary>
    Ordered,
    /// <summary>A quiet period, a tenfold burst, then quiet again.</summary>
    Burst,
    /// <summary>Burst's work over time, but the burst's surplus is short tasks only: steady mixed work, a burst of short tasks.</summary>
    ShortBurst,
}

/// <summary>How to generate a workload; the defaults are the reference generator's.</summary>
/// <param name="N">Tasks (builds for <see cref="WorkloadKind.Ordered"/>).</param>
/// <param name="Seed">Seed of the arrivals and task draws.</param>
/// <param name="World">Seed of the hidden customer and source factors.</param>
/// <param name="Shift">Skews the hidden factors, for worlds unlike the training one.</param>
/// <param name="Slots">Concurrency the arrival rate is sized for.</param>
/// <param name="Utilization">Share of the slots the arrivals keep busy.</param>
/// <param name="GapMs">Mean gap between builds (<see cref="WorkloadKind.Ordered"/>).</param>
public sealed record WorkloadOptions(
    WorkloadKind Kind, int N = 3000, int Seed = 1, int World = 1, double Shift = 0, int Slots = 8, double Utilization = 0.7, double GapMs = 4);
