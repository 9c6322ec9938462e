using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Surge.Autoscale;
using Surge.Faults;
using Surge.Hosting.Kubernetes;

namespace Surge.Cluster.Tests.Kubernetes;

public class KubernetesPodScalerTests : IDisposable
{
    private readonly FakeKubernetesApi _api = new("jobs", "surge", replicas: 2);

    public void Dispose() => _api.Dispose();

    private KubernetesPodScaler Scaler() => new(
        new k8s.Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{_api.Port}" }),
        "surge", "jobs", TimeProvider.System, NullLogger<KubernetesPodScaler>.Instance);

    [Fact]
    public async Task Scale_ReadsThenMergePatchesScaleSubresource()
    {
        Assert.Equal(2, await Scaler().ScaleAsync("default", 2, 3, "test", CancellationToken.None));
        Assert.Equal(3, _api.Replicas);
        Assert.Equal(["GET", "PATCH"], _api.Requests.Select(r => r.Method));
        Assert.All(_api.Requests, r => Assert.Equal("/apis/apps/v1/namespaces/jobs/statefulsets/surge/scale", r.Path));
        var patch = _api.Requests[1];
        Assert.StartsWith("application/merge-patch+json", patch.ContentType);
        using var body = JsonDocument.Parse(patch.Body);
        Assert.Equal(3, body.RootElement.GetProperty("spec").GetProperty("replicas").GetInt32());
        Assert.Equal("7", body.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString());
    }

    // The autoscale grain came back on another silo and heard from one silo so far; the StatefulSet has 10 pods.
    [Fact]
    public async Task Scale_UpToFewerThanItHas_LeavesItAlone()
    {
        using var api = new FakeKubernetesApi("jobs", "surge", replicas: 10);
        var scaler = new KubernetesPodScaler(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{api.Port}" }),
            "surge", "jobs", TimeProvider.System, NullLogger<KubernetesPodScaler>.Instance);
        Assert.Equal(10, await scaler.ScaleAsync("default", 1, 4, "backlog", CancellationToken.None));
        Assert.Equal(10, api.Replicas); // read, not patched

        Assert.Equal(10, await scaler.ScaleAsync("default", 10, 8, "idle", CancellationToken.None));
        Assert.Equal(8, api.Replicas);
        Assert.Equal(8, await scaler.ScaleAsync("default", 10, 9, "idle", CancellationToken.None)); // down must not add a pod back
        Assert.Equal(8, api.Replicas);
    }

    [Fact]
    public async Task Scale_Conflict_ReadsAgainAndRetries()
    {
        _api.ModifyAfterNextRead();
        await Scaler().ScaleAsync("default", 2, 4, "test", CancellationToken.None);
        Assert.Equal(4, _api.Replicas);
        Assert.Equal([("GET", 200), ("PATCH", 409), ("GET", 200), ("PATCH", 200)], _api.Requests.Select(r => (r.Method, r.Status)));
    }

    [Fact]
    public async Task Scale_ServerErrors_RetriedThenCircuitBroken()
    {
        _api.Fail(100, HttpStatusCode.InternalServerError);
        var scaler = Scaler();
        var first = await Assert.ThrowsAsync<HttpOperationException>(() => scaler.ScaleAsync("default", 2, 3, "test", CancellationToken.None));
        Assert.Equal(HttpStatusCode.InternalServerError, first.Response.StatusCode);
        Assert.Equal(KubernetesPodScaler.MaxAttempts, _api.Requests.Count); // retried

        await Assert.ThrowsAsync<BrokenCircuitException>(() => scaler.ScaleAsync("default", 2, 3, "test", CancellationToken.None));
        Assert.Equal(KubernetesPodScaler.MaxAttempts, _api.Requests.Count); // broken: not even tried
        Assert.Equal(2, _api.Replicas);
    }

    // A cut link to the API server (a TCP proxy that drops bytes, so no call ever fails by itself): each attempt gives
    // up at its timeout, and the call fails within its attempts' bound rather than the HTTP client's 100 s per attempt,
    // which held the autoscaler (and every silo's in-silo step behind it) for minutes.
    [Fact]
    public async Task Scale_LinkToTheApiServerCut_FailsAtItsTimeoutsThenCircuitBroken()
    {
        await using var link = new TcpLinkCutter("127.0.0.1", _api.Port);
        var scaler = new KubernetesPodScaler(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{link.Port}" }),
            "surge", "jobs", TimeProvider.System, NullLogger<KubernetesPodScaler>.Instance, requestTimeout: TimeSpan.FromMilliseconds(300));
        link.Cut();

        var failed = await Record.ExceptionAsync(() => scaler.ScaleAsync("default", 2, 3, "test", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.IsType<TimeoutRejectedException>(failed);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => scaler.ScaleAsync("default", 2, 3, "test", CancellationToken.None));
        Assert.Equal(2, _api.Replicas);
    }

    [Fact]
    public async Task Controller_BacklogInSiloCapacityWorksOff_NeverCallsKubernetes_OneThatOutlastsAPodStart_CallsAtOnce()
    {
        var time = new FakeTimeProvider();
        var options = new AutoscaleOptions();
        var controller = new AutoscaleController(new AutoscalePolicy(options, time), Scaler(), NullLogger<AutoscaleController>.Instance);
        // Issue 16: pods by forecast. 20 queued 100 ms tasks on 16 slots drain in well under a pod start: never pods.
        SiloSignal[] small = [new("s1", time.GetUtcNow(), 0.2, 0, 1000, [new PoolSignal(PoolKind.Long, 20, 900, 16, 16, 1, 16, 10, 10, 100, 100)])];
        for (var second = 1; second <= options.SustainedBacklog.TotalSeconds + 1; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await controller.TickAsync(small, 2, _ => Task.CompletedTask, CancellationToken.None);
        }
        Assert.Empty(_api.Requests);

        // 500 queued 1 s tasks and 100 more a second on 16 slots: it outlasts any pod start, so pods are asked for now.
        SiloSignal[] saturated = [new("s1", time.GetUtcNow(), 0.2, 0, 1000, [new PoolSignal(PoolKind.Long, 500, 9000, 16, 16, 1, 16, 100, 100, 1000, 1000)])];
        time.Advance(TimeSpan.FromSeconds(1));
        var decisions = await controller.TickAsync(saturated, 2, _ => Task.CompletedTask, CancellationToken.None);
        Assert.Single(decisions, d => d.Kind == AutoscaleKind.Replicas);
        Assert.Equal(["GET", "PATCH"], _api.Requests.Select(r => r.Method));
        Assert.True(_api.Replicas > 2);
    }

    // Two short-group silos under a backlog that outlasts a pod start, two long-group silos idle, for a few seconds.
    private static async Task ReportMixedAsync(GroupAutoscaler groups, FakeTimeProvider time)
    {
        for (var second = 0; second < 3; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var now = time.GetUtcNow();
            foreach (var silo in new[] { "short-0", "short-1" })
                await groups.ReportAsync(new SiloSignal(silo, now, 0.2, 0, 1000, [new PoolSignal(PoolKind.Short, 5000, 9000, 16, 16, 1, 16, 400, 100, 1000, 1000)], 16, "short"),
                    _ => Task.CompletedTask, CancellationToken.None);
            foreach (var silo in new[] { "long-0", "long-1" })
                await groups.ReportAsync(new SiloSignal(silo, now, 0.1, 0, 1000, [new PoolSignal(PoolKind.Long, 0, 0, 1, 16, 1, 16, 1, 1, 1000, 1000)], 16, "long"),
                    _ => Task.CompletedTask, CancellationToken.None);
        }
    }

    [Fact]
    public async Task GroupAutoscaler_BacklogInShort_ScalesOnlyTheShortStatefulSet()
    {
        _api.AddStatefulSet("surge-short", 2);
        _api.AddStatefulSet("surge-long", 2);
        var (time, readings) = (new FakeTimeProvider(), new ReplicaReadings());
        var groups = new GroupAutoscaler(new AutoscaleOptions(), Scaler(), readings, time, NullLoggerFactory.Instance);

        await ReportMixedAsync(groups, time);

        Assert.NotEmpty(_api.Requests);
        Assert.All(_api.Requests, r => Assert.Equal(_api.ScalePathOf("surge-short"), r.Path));
        Assert.True(_api.ReplicasOf("surge-short") > 2, $"short has {_api.ReplicasOf("surge-short")} replicas");
        Assert.Equal((2, 2), (_api.ReplicasOf("surge-long"), _api.Replicas));
        Assert.Equal(_api.ReplicasOf("surge-short"), readings.Last["short"].Desired);
        Assert.Equal((2, 2), readings.Last["long"]);
        var decision = Assert.Single(groups.History(100), d => d.Kind == AutoscaleKind.Replicas);
        Assert.Equal("short", decision.Group);
    }

    [Fact]
    public async Task GroupAutoscaler_PodsExternal_PatchesNothingAndExportsTheDesiredReplicas()
    {
        _api.AddStatefulSet("surge-short", 2);
        _api.AddStatefulSet("surge-long", 2);
        var (time, readings) = (new FakeTimeProvider(), new ReplicaReadings());
        var groups = new GroupAutoscaler(new AutoscaleOptions { Pods = PodScaling.External }, Scaler(), readings, time, NullLoggerFactory.Instance);

        await ReportMixedAsync(groups, time);

        Assert.Empty(_api.Requests);
        Assert.True(readings.Last["short"].Desired > 2, $"short wants {readings.Last["short"].Desired}");
        Assert.Equal(2, readings.Last["short"].Actual);
        Assert.Equal((2, 2), readings.Last["long"]);
        Assert.Contains("external", Assert.Single(groups.History(100), d => d.Kind == AutoscaleKind.Replicas).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupAutoscaler_PodsOff_NoReplicaDecisions()
    {
        var (time, readings) = (new FakeTimeProvider(), new ReplicaReadings());
        var groups = new GroupAutoscaler(new AutoscaleOptions { Pods = PodScaling.Off }, Scaler(), readings, time, NullLoggerFactory.Instance);

        await ReportMixedAsync(groups, time);

        Assert.Empty(_api.Requests);
        Assert.DoesNotContain(groups.History(100), d => d.Kind == AutoscaleKind.Replicas);
        Assert.Equal((2, 2), readings.Last["short"]);
    }

    [Theory]
    [InlineData("default", "surge")]
    [InlineData("short", "surge-short")]
    public void StatefulSetOf_DefaultGroupKeepsTheSingleGroupName(string group, string statefulSet)
        => Assert.Equal(statefulSet, Scaler().StatefulSetOf(group));

    [Theory]
    [InlineData("surge-short", "short", "surge")]
    [InlineData("surge", "default", "surge")]
    [InlineData("surge", "short", "surge")]
    public void BaseStatefulSet_FromAGroupsPodName_TheDefaultGroupsName(string fromPod, string group, string expected)
        => Assert.Equal(expected, PodScalerFactory.BaseStatefulSet(fromPod, group));
}
