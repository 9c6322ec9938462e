using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Surge.Autoscale;

namespace Surge.Hosting.Kubernetes;

/// <summary>
/// Patches the scale subresource of a silo group's StatefulSet through KubernetesClient: the default group's is the
/// StatefulSet it was given, group g's is <c>&lt;that&gt;-g</c> (<see cref="StatefulSetOf"/>, as the chart names them). The patch carries the
/// resourceVersion it read, so a concurrent change answers 409 and the scaler reads again and retries; 5xx, network
/// errors and calls past their timeout are retried with backoff, and a circuit breaker stops calling an API server
/// that keeps failing.
/// </summary>
internal sealed partial class KubernetesPodScaler : IPodScaler
{
    public const int MaxAttempts = 4;

    private readonly IKubernetes _client;
    private readonly string _statefulSet;
    private readonly string _namespace;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;

    public KubernetesPodScaler(IKubernetes client, string statefulSet, string @namespace, TimeProvider time, ILogger<KubernetesPodScaler> logger,
        TimeSpan? requestTimeout = null)
    {
        _client = client;
        _statefulSet = statefulSet;
        _namespace = @namespace;
        _logger = logger;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = new PredicateBuilder().Handle<HttpOperationException>(e => IsTransient(e.Response.StatusCode) || e.Response.StatusCode == HttpStatusCode.Conflict)
                    .Handle<HttpRequestException>().Handle<TimeoutRejectedException>(),
                OnRetry = a => { LogRetry(a.AttemptNumber + 1, a.Outcome.Exception?.Message); return default; },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 1.0,
                MinimumThroughput = MaxAttempts,
                SamplingDuration = TimeSpan.FromMinutes(1),
                BreakDuration = TimeSpan.FromMinutes(1),
                ShouldHandle = new PredicateBuilder().Handle<HttpOperationException>(e => IsTransient(e.Response.StatusCode)).Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>(),
            })
            // Each attempt, read and patch: a patch whose answer never came may have been applied, and the retry reads first.
            .AddTimeout(requestTimeout ?? KubernetesTarget.DefaultRequestTimeout)
            .Build();
    }

    /// <summary>The StatefulSet of <paramref name="group"/>: the default group keeps the single-group name.</summary>
    public string StatefulSetOf(string group)
        => group == Silos.SiloGroupOptions.DefaultGroup ? _statefulSet : $"{_statefulSet}-{group}";

    public async Task<int> ScaleAsync(string group, int from, int replicas, string reason, CancellationToken cancellationToken)
    {
        var statefulSet = StatefulSetOf(group);
        return await _pipeline.ExecuteAsync(async ct =>
        {
            // Read, then patch with what was read: a 409 means someone changed it meanwhile, and the retry reads again.
            var scale = await _client.AppsV1.ReadNamespacedStatefulSetScaleAsync(statefulSet, _namespace, cancellationToken: ct);
            var before = scale.Spec?.Replicas ?? 0;
            // Up from what the silos report must not take away pods the StatefulSet already has (starting ones, or those
            // a former activation of the autoscale grain asked for); down must not add any.
            if (replicas > from ? before >= replicas : before <= replicas)
            {
                if (before != replicas) LogLeftAlone(_namespace, statefulSet, before, from, replicas);
                return before;
            }
            var patch = new V1Patch(new { metadata = new { resourceVersion = scale.Metadata?.ResourceVersion }, spec = new { replicas } }, V1Patch.PatchType.MergePatch);
            await _client.AppsV1.PatchNamespacedStatefulSetScaleAsync(patch, statefulSet, _namespace, cancellationToken: ct);
            LogScaled(_namespace, statefulSet, before, replicas, reason);
            return before;
        }, cancellationToken);
    }

    [LoggerMessage(3, LogLevel.Information, "StatefulSet {Namespace}/{Name} left at {Replicas}: the decision {From} -> {To} would have gone the other way")]
    private partial void LogLeftAlone(string @namespace, string name, int replicas, int from, int to);

    private static bool IsTransient(HttpStatusCode status) => (int)status >= 500 || status == HttpStatusCode.TooManyRequests;

    [LoggerMessage(1, LogLevel.Information, "Scaled StatefulSet {Namespace}/{Name} {From} -> {To} ({Reason})")]
    private partial void LogScaled(string @namespace, string name, int from, int to, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Kubernetes scale call failed, attempt {Attempt} follows: {Error}")]
    private partial void LogRetry(int attempt, string? error);
}
