using Microsoft.Extensions.Logging;

namespace Surge.Autoscale;

/// <summary>
/// One autoscaling step for one silo group: the policy decides, concurrency changes go to the silos, replica changes
/// to the pod scaler (for <see cref="PodScaling.Surge"/>; <see cref="PodScaling.External"/> only keeps them as the
/// desired replicas an external scaler reads, <see cref="PodScaling.Off"/> drops them), and every change is kept
/// (newest last, bounded) with its inputs and reason. Kubernetes is called only when the policy asks for a replica
/// change: the current replica count is the number of the group's active silos.
/// </summary>
internal sealed partial class AutoscaleController(AutoscalePolicy policy, IPodScaler pods, ILogger<AutoscaleController> logger,
    string group = Silos.SiloGroupOptions.DefaultGroup, PodScaling scaling = PodScaling.Surge)
{
    public const int HistoryCapacity = 1_000;

    private readonly ILogger _logger = logger;
    private readonly LinkedList<AutoscaleDecision> _history = new();

    /// <summary>The group this controller decides for.</summary>
    public string Group => group;

    /// <summary>What the replicas were set to last, for metrics: desired pods.</summary>
    public int? DesiredReplicas { get; private set; }

    public IReadOnlyList<AutoscaleDecision> History(int max) => _history.Skip(Math.Max(0, _history.Count - max)).ToList();

    public async Task<IReadOnlyList<AutoscaleDecision>> TickAsync(IReadOnlyList<SiloSignal> silos, int replicas,
        Func<AutoscaleDecision, Task> setConcurrency, CancellationToken cancellationToken)
    {
        var decisions = policy.Decide(silos, replicas).Select(d => d with { Group = group })
            .Where(d => d.Kind != AutoscaleKind.Replicas || scaling != PodScaling.Off).ToList();
        foreach (var decision in decisions)
        {
            try
            {
                if (decision.Kind == AutoscaleKind.Replicas)
                {
                    if (scaling == PodScaling.Surge) await pods.ScaleAsync(group, decision.From, decision.To, decision.Reason, cancellationToken);
                    DesiredReplicas = decision.To;
                    Record(scaling == PodScaling.Surge ? decision : decision with { Reason = $"{decision.Reason}; exported for the external scaler" });
                }
                else
                {
                    await setConcurrency(decision);
                    Record(decision);
                }
            }
            // Only the caller's own cancellation (the silo stops) passes: an API call that timed out is a failure like any other.
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // The decision stands in the history with why it did not happen; the policy tries again later.
                LogApplyFailed(e, group, decision.Kind, decision.To);
                Record(decision with { Reason = $"{decision.Reason}; not applied: {e.GetType().Name}: {e.Message}" });
            }
        }
        return decisions;
    }

    private void Record(AutoscaleDecision decision)
    {
        Telemetry.SurgeMeter.AutoscaleDecisions.Add(1, new KeyValuePair<string, object?>("kind", decision.Kind == AutoscaleKind.Replicas ? "replicas" : "concurrency"));
        _history.AddLast(decision);
        if (_history.Count > HistoryCapacity) _history.RemoveFirst();
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not apply {Kind} -> {To} for silo group {Group}")]
    private partial void LogApplyFailed(Exception exception, string group, AutoscaleKind kind, int to);
}
