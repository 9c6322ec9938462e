using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Surge.Client;
using Surge.Telemetry;

namespace Surge.Cluster.Tests.Tracing;

public sealed class TracingFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public SurgeCluster Surge { get; private set; } = null!;

    public async Task InitializeAsync() => Surge = await TracedCluster.StartAsync(Clock);

    public async Task DisposeAsync() => await Surge.DisposeAsync();
}

/// <summary>
/// One trace from the client's call to the handler, through the cluster's in-memory spans: the client's span, the
/// dispatch on the task's shard, the entity's release on the entity's shard (on the other silo), and every attempt,
/// a retry an hour later included. Every span carries the task id.
/// </summary>
public class TracingTests(TracingFixture fixture) : IClassFixture<TracingFixture>, IDisposable
{
    private readonly ISurgeClient _client = fixture.Surge.Client;
    private readonly SpanRecorder _spans = new();

    public void Dispose() => _spans.Dispose();

    private SiloAddress[] Silos => [.. fixture.Surge.Cluster.Silos.Select(s => s.SiloAddress)];

    [Fact]
    public async Task RunAsync_EntityOnTheOtherSilo_OneTraceFromTheClientToTheHandler()
    {
        var (shardSilo, entitySilo) = (Silos[0], Silos[1]);
        var spec = TaskSpec.Create(CountingHandler.TypeName, id: TracedCluster.IdOn(shardSilo, Silos, "traced"))
            .ForEntity(TracedCluster.IdOn(entitySilo, Silos, "order"), "paid");

        var status = await _client.RunAsync(spec, TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Succeeded, status.State);

        var run = Assert.Single(_spans.Snapshot(), s => s.OperationName == SurgeTracing.RunSpan && Equals(s.GetTagItem(SurgeTracing.TaskIdTag), spec.Id));
        var trace = await _spans.WaitForTraceAsync(run.TraceId,
            SurgeTracing.RunSpan, SurgeTracing.ReleaseSpan, SurgeTracing.DispatchSpan, SurgeTracing.AttemptSpan);
        Assert.All(trace, s => Assert.Equal(spec.Id, s.GetTagItem(SurgeTracing.TaskIdTag)));

        var release = Assert.Single(trace, s => s.OperationName == SurgeTracing.ReleaseSpan);
        var dispatch = Assert.Single(trace, s => s.OperationName == SurgeTracing.DispatchSpan);
        var attempt = Assert.Single(trace, s => s.OperationName == SurgeTracing.AttemptSpan);
        Assert.Equal((run.SpanId, run.SpanId, dispatch.SpanId), (release.ParentSpanId, dispatch.ParentSpanId, attempt.ParentSpanId));
        // The entity's step on one silo, the shard's and the handler's on the other: one trace across both.
        Assert.Equal(entitySilo.ToParsableString(), release.GetTagItem(SurgeTracing.SiloTag));
        Assert.Equal(shardSilo.ToParsableString(), dispatch.GetTagItem(SurgeTracing.SiloTag));
        Assert.Equal(shardSilo.ToParsableString(), attempt.GetTagItem(SurgeTracing.SiloTag));
        Assert.Equal((ActivityKind.Producer, ActivityKind.Consumer), (run.Kind, attempt.Kind));
        Assert.Equal(TaskState.Succeeded.ToString(), run.GetTagItem(SurgeTracing.TaskStateTag));
    }

    [Fact]
    public async Task Retry_FirstAttemptFails_TheRetryAnHourLaterJoinsTheCallersTrace()
    {
        var spec = TaskSpec.Create(FlakyHandler.TypeName, """{"fail_times":1}""");
        ActivityTraceId trace;
        using (var request = SpanRecorder.Caller.StartActivity("caller's request"))
        {
            trace = request!.TraceId;
            await _client.SubmitAsync(spec);
        }
        await Eventually.ValueAsync(() => _client.GetStatusAsync(spec.Id), s => s is { State: TaskState.Retrying, Attempts: 1 }, "the first attempt failed");

        fixture.Clock.Advance(TracedCluster.Backoff);
        Assert.Equal(TaskState.Succeeded, (await _client.WaitAsync(spec.Id, TimeSpan.FromSeconds(30))).State);

        var spans = await _spans.WaitForTraceAsync(trace, SurgeTracing.SubmitSpan,
            SurgeTracing.DispatchSpan, SurgeTracing.DispatchSpan, SurgeTracing.AttemptSpan, SurgeTracing.AttemptSpan);
        var submit = Assert.Single(spans, s => s.OperationName == SurgeTracing.SubmitSpan);
        var attempts = spans.Where(s => s.OperationName == SurgeTracing.AttemptSpan).OrderBy(s => (int)s.GetTagItem(SurgeTracing.AttemptTag)!).ToArray();
        Assert.Equal(new[] { 1, 2 }, attempts.Select(a => (int)a.GetTagItem(SurgeTracing.AttemptTag)!));
        Assert.Equal(new[] { ActivityStatusCode.Error, ActivityStatusCode.Unset }, attempts.Select(a => a.Status));
        Assert.Equal(typeof(InvalidOperationException).FullName, attempts[0].GetTagItem("error.type"));
        // Each dispatch, the retry's too, hangs under the submit the record remembers.
        Assert.All(spans.Where(s => s.OperationName == SurgeTracing.DispatchSpan), d => Assert.Equal(submit.SpanId, d.ParentSpanId));
        Assert.All(spans.Where(s => s.Source.Name == SurgeTracing.SourceName), s => Assert.Equal(spec.Id, s.GetTagItem(SurgeTracing.TaskIdTag)));
    }
}

/// <summary>A retry whose shard moved while it waited: it runs on the other silo, in the trace it was submitted in.</summary>
public class TracingFailoverTests
{
    [Fact]
    public async Task Retry_ShardsSiloStopsWhileItWaits_RunsOnTheOtherSiloInTheSameTrace()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var surge = await TracedCluster.StartAsync(clock);
        using var spans = new SpanRecorder();
        var (primary, secondary) = (surge.Cluster.Primary!, surge.Cluster.SecondarySilos[0]);
        SiloAddress[] silos = [primary.SiloAddress, secondary.SiloAddress];
        var spec = TaskSpec.Create(FlakyHandler.TypeName, """{"fail_times":1}""", id: TracedCluster.IdOn(secondary.SiloAddress, silos, "moving"));

        await surge.Client.SubmitAsync(spec);
        await Eventually.ValueAsync(() => surge.Client.GetStatusAsync(spec.Id), s => s is { State: TaskState.Retrying }, "the first attempt failed");
        await surge.Cluster.StopSiloAsync(secondary);
        // Asked again, the shard comes back on the survivor, reads its records from the shared store and waits out the backoff there.
        Assert.Equal(TaskState.Retrying, (await surge.Client.GetStatusAsync(spec.Id))!.State);
        clock.Advance(TracedCluster.Backoff);
        Assert.Equal(TaskState.Succeeded, (await surge.Client.WaitAsync(spec.Id, TimeSpan.FromSeconds(30))).State);

        var submit = Assert.Single(spans.Snapshot(), s => s.OperationName == SurgeTracing.SubmitSpan && Equals(s.GetTagItem(SurgeTracing.TaskIdTag), spec.Id));
        var trace = await spans.WaitForTraceAsync(submit.TraceId, SurgeTracing.AttemptSpan, SurgeTracing.AttemptSpan);
        var ranOn = trace.Where(s => s.OperationName == SurgeTracing.AttemptSpan)
            .OrderBy(s => (int)s.GetTagItem(SurgeTracing.AttemptTag)!).Select(s => (string?)s.GetTagItem(SurgeTracing.SiloTag));
        Assert.Equal(new[] { secondary.SiloAddress.ToParsableString(), primary.SiloAddress.ToParsableString() }, ranOn);
    }
}
