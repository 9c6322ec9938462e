using System.Text.Json;
using Surge.Client;

namespace Surge.Hosting;

/// <summary>
/// What <c>/api/status</c> and the <c>/surge</c> page show: silos, pools, recent scaling decisions, held events, dead
/// letters, waves. Silos, pools, held events and dead letters come from one summary per silo (<see cref="SiloSummaries"/>),
/// which the task shards active there keep up to date: a request costs a call per silo, not two per task shard.
/// </summary>
internal sealed record ClusterStatus(DateTimeOffset At, SiloInfo[] Silos, PoolStats[] Pools, AutoscaleDecision[] Autoscale, HeldEventView[] Held,
    DeadLetterView[] DeadLetters, WaveView[] Waves, int HeldCount, int DeadLetterCount)
{
    // Enums as their snake_case names ("short", "predicted", "replicas"): what pages and scripts read, not numbers.
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>
    /// The whole view, or with <paramref name="ownTasksOnly"/> what <see cref="ForOwnTasksOnly"/> leaves (waves and
    /// scaling decisions are then not read at all).
    /// </summary>
    public static async Task<ClusterStatus> ReadAsync(SiloSummaries silos, ISurgeClient surge, ISurgeFlows flows, TimeProvider time,
        bool ownTasksOnly, CancellationToken cancellationToken)
    {
        if (ownTasksOnly) return Of(await silos.ReadAsync(cancellationToken), [], [], time.GetUtcNow()).ForOwnTasksOnly();
        var waves = flows.ListWavesAsync(10, cancellationToken);
        var autoscale = surge.GetAutoscaleHistoryAsync(20, cancellationToken);
        var summaries = await silos.ReadAsync(cancellationToken);
        var now = time.GetUtcNow();
        return Of(summaries, await autoscale, await waves, now);
    }

    /// <summary>
    /// The cluster's view from the silos' summaries. A shard moving between silos may be in two summaries for a moment:
    /// its events are listed once.
    /// </summary>
    public static ClusterStatus Of(SiloSummary[] silos, AutoscaleDecision[] autoscale, Flows.WaveStatus[] waves, DateTimeOffset now)
        => new(now, [.. silos.Select(s => s.Info)], [.. silos.SelectMany(s => s.Pools)], autoscale,
            [.. silos.SelectMany(s => s.Held).DistinctBy(h => h.Id).OrderBy(h => h.SubmittedAt).Take(SiloSummary.Depth)
                .Select(h => new HeldEventView(h.Id, h.Entity, h.Event, (now - h.SubmittedAt).TotalSeconds))],
            [.. silos.SelectMany(s => s.DeadLetters).DistinctBy(d => d.Id).OrderByDescending(d => d.FinishedAt).Take(SiloSummary.Depth)
                .Select(d => new DeadLetterView(d.Id, d.Type, d.Attempts, d.FinishedAt, d.Error))],
            [.. waves.Select(WaveView.Of)],
            silos.Sum(s => s.HeldCount), silos.Sum(s => s.DeadLetterCount));

    /// <summary>
    /// What a caller that reads only its own tasks (the Submit role) may see: silos and pools, and how many events are
    /// held and tasks dead-lettered, but not which (their ids, entities and errors are other callers'), nor waves or
    /// scaling decisions, which need the Operate role at the gateway too.
    /// </summary>
    public ClusterStatus ForOwnTasksOnly() => this with { Autoscale = [], Held = [], DeadLetters = [], Waves = [] };
}

/// <summary>An entity event waiting for its predecessor, as the status page shows it.</summary>
internal sealed record HeldEventView(string Id, string? Entity, string? Event, double HeldS);

/// <summary>A task that failed for good, waiting for a human (<c>surge dead retry|purge</c>).</summary>
internal sealed record DeadLetterView(string Id, string Type, int Attempts, DateTimeOffset? FailedAt, string? Error);

/// <summary>A wave's progress as the status page shows it: steps by state over all its tasks.</summary>
internal sealed record WaveView(string Wave, string Flow, string State, string Date, int Entities, int EntitiesDone, int Steps,
    int Pending, int Running, int Finished, int Degraded, int Failed, double? MakespanS)
{
    public static WaveView Of(Flows.WaveStatus w) => new(w.Wave, w.Flow, w.State, w.Date, w.Entities, w.EntitiesDone, w.Steps,
        w.Tasks.Sum(t => t.Pending), w.Tasks.Sum(t => t.Running), w.Finished, w.Degraded, w.Failed, w.MakespanSeconds);
}
