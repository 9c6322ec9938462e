using Surge.Client;

namespace Surge.Replay;

/// <summary>A whole replay against a cluster: learns the routing mode, replays, builds the report.</summary>
public static class ReplayRun
{
    public static async Task<ReplayReport> RunAsync(ISurgeClient client, IReadOnlyList<WorkloadTask> workload, string workloadName,
        ReplayOptions options, IProgress<ReplayProgress>? progress, CancellationToken cancellationToken)
        => (await RunWithResultsAsync(client, workload, workloadName, options, progress, cancellationToken)).Report;

    public static async Task<(ReplayReport Report, IReadOnlyList<ReplayResult> Results)> RunWithResultsAsync(ISurgeClient client,
        IReadOnlyList<WorkloadTask> workload, string workloadName, ReplayOptions options, IProgress<ReplayProgress>? progress,
        CancellationToken cancellationToken)
    {
        // The mode only labels the report: asked beside the replay, and asked again after it when no silo answered in
        // time (a silo paused or dying then, or a loaded machine), so a label never fails a replay.
        var asked = ModeAsync(client, cancellationToken);
        var results = await new Replayer(client, TimeProvider.System).RunAsync(workload, options, progress, cancellationToken);
        var mode = await asked ?? await ModeAsync(client, cancellationToken) ?? "unknown";
        return (ReplayReport.Build(workloadName, mode, results), results);
    }

    private static async Task<string?> ModeAsync(ISurgeClient client, CancellationToken cancellationToken)
    {
        try
        {
            var silos = await client.GetSilosAsync(cancellationToken);
            return string.Join("+", silos.Select(s => s.RoutingMode.Name()).Distinct());
        }
        catch (SurgeUnavailableException)
        {
            return null;
        }
    }
}
