using System.Diagnostics;
using Surge.Client;

namespace Surge.Cluster.Tests.Tracing;

/// <summary>The traceparent the client stamps on a submission, and how its span ends. No cluster.</summary>
public class ClientSpansTests
{
    private const string Given = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void Stamp_ClientSpan_CarriesItsTraceParent()
    {
        using var span = new Activity("surge.submit").SetIdFormat(ActivityIdFormat.W3C).Start();
        Assert.Equal(span.Id, ClientSpans.Stamp(TaskSpec.Create("simulate"), span).TraceParent);
    }

    [Fact]
    public void Stamp_NoClientSpanButTheCallersOwn_CarriesTheCallers()
    {
        // Nobody listens to Surge's source, but the caller is in a trace of its own (a request): the task joins it.
        using var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        Assert.Equal(request.Id, ClientSpans.Stamp(TaskSpec.Create("simulate"), null).TraceParent);
    }

    [Fact]
    public void Stamp_NoSpanAnywhere_SameSpecUntouched()
    {
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            var spec = TaskSpec.Create("simulate");
            Assert.Same(spec, ClientSpans.Stamp(spec, null));
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    [Fact]
    public void Stamp_CallerSetATraceParent_KeepsIt()
    {
        using var span = new Activity("surge.submit").SetIdFormat(ActivityIdFormat.W3C).Start();
        Assert.Equal(Given, ClientSpans.Stamp(TaskSpec.Create("simulate") with { TraceParent = Given }, span).TraceParent);
    }

    [Theory]
    [InlineData(TaskState.Succeeded, ActivityStatusCode.Unset)]
    [InlineData(TaskState.Failed, ActivityStatusCode.Error)]
    [InlineData(TaskState.Cancelled, ActivityStatusCode.Error)]
    public void Ended_FinalState_TaggedAndFailuresMarked(TaskState state, ActivityStatusCode expected)
    {
        using var span = new Activity("surge.run").Start();
        ClientSpans.Ended(span, new TaskStatus { Id = "t1", Type = "simulate", State = state, Error = state == TaskState.Succeeded ? null : "boom" });
        Assert.Equal((expected, state.ToString()), (span.Status, span.GetTagItem(Surge.Telemetry.SurgeTracing.TaskStateTag)));
    }
}
