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
        var silos = await client.GetSilosAsync(cancellationToken);
        var mode = string.Join("+", silos.Select(s => s.RoutingMode.Name()).Distinct());
        var results = await new Replayer(client, TimeProvider.System).RunAsync(workload, options, progress, cancellationToken);
        return (ReplayReport.Build(workloadName, mode, results), results);
    }
}
