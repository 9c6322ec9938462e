using Microsoft.Extensions.Logging;

namespace Surge.Autoscale;

/// <summary>Outside Kubernetes (the embedded default): logs what it would have asked for, and remembers it.</summary>
internal sealed partial class NoOpPodScaler(ILogger<NoOpPodScaler> logger) : IPodScaler
{
    private readonly ILogger _logger = logger;
    private int _replicas = 1;

    public Task<int> ScaleAsync(int replicas, string reason, CancellationToken cancellationToken)
    {
        LogWouldScale(_replicas, replicas, reason);
        var before = _replicas;
        _replicas = replicas;
        return Task.FromResult(before);
    }

    [LoggerMessage(1, LogLevel.Information, "Not in Kubernetes: would scale silo pods {From} -> {To} ({Reason})")]
    private partial void LogWouldScale(int from, int to, string reason);
}
