using System.Text.Json;
using Surge.Client;

namespace Surge.Hosting;

/// <summary>What <c>/api/status</c> and the <c>/surge</c> page show: silos, pools, recent scaling decisions, held events, dead letters.</summary>
internal sealed record ClusterStatus(DateTimeOffset At, SiloInfo[] Silos, PoolStats[] Pools, AutoscaleDecision[] Autoscale, HeldEventView[] Held,
    DeadLetterView[] DeadLetters, WaveView[] Waves)
{
    // Enums as their snake_case names ("short", "predicted", "replicas"): what pages and scripts read, not numbers.
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static async Task<ClusterStatus> ReadAsync(ISurgeClient surge, ISurgeFlows flows, TimeProvider time, CancellationToken cancellationToken)
    {
        var waves = flows.ListWavesAsync(10, cancellationToken);
        var silos = surge.GetSilosAsync(cancellationToken);
        var pools = surge.GetPoolsAsync(cancellationToken);
        var autoscale = surge.GetAutoscaleHistoryAsync(20, cancellationToken);
        var held = surge.GetHeldAsync(20, cancellationToken);
        var dead = surge.GetDeadLettersAsync(20, cancellationToken);
        var now = time.GetUtcNow();
        return new ClusterStatus(now, await silos, await pools, await autoscale,
            [.. (await held).Select(h => new HeldEventView(h.Id, h.Entity, h.Event, (now - h.SubmittedAt).TotalSeconds))],
            [.. (await dead).Select(d => new DeadLetterView(d.Id, d.Type, d.Attempts, d.FinishedAt, d.Error))],
            [.. (await waves).Select(WaveView.Of)]);
    }
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
