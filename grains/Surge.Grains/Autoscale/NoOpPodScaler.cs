using Microsoft.Extensions.Logging;

namespace Surge.Autoscale;

/// <summary>Outside Kubernetes (the embedded default): logs what it would have asked for, and remembers it per group.</summary>
internal sealed partial class NoOpPodScaler(ILogger<NoOpPodScaler> logger) : IPodScaler
{
    private readonly ILogger _logger = logger;
    private readonly Dictionary<string, int> _replicas = new(StringComparer.Ordinal);

    public Task<int> ScaleAsync(string group, int from, int replicas, string reason, CancellationToken cancellationToken)
    {
        lock (_replicas)
        {
            var before = _replicas.GetValueOrDefault(group, 1);
            LogWouldScale(group, before, replicas, reason);
            _replicas[group] = replicas;
            return Task.FromResult(before);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Not in Kubernetes: would scale silo group {Group} pods {From} -> {To} ({Reason})")]
    private partial void LogWouldScale(string group, int from, int to, string reason);
}
