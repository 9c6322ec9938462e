using System.Diagnostics;
using Surge.Telemetry;

namespace Surge.Client;

/// <summary>
/// The client's spans (<see cref="SurgeTracing.SubmitSpan"/>, <see cref="SurgeTracing.RunSpan"/>), and the
/// <c>traceparent</c> a submission carries into its record, which every attempt of the task starts its span under.
/// </summary>
internal static class ClientSpans
{
    /// <summary>A producer span of the caller's current trace; null when nobody listens to <see cref="SurgeTracing.SourceName"/>.</summary>
    public static Activity? Start(string name, TaskSpec spec)
    {
        var span = SurgeTracing.Source.StartActivity(name, ActivityKind.Producer);
        if (span is null) return null;
        span.SetTag(SurgeTracing.TaskIdTag, spec.Id);
        span.SetTag(SurgeTracing.TaskTypeTag, spec.Type);
        span.SetTag(SurgeTracing.MessagingSystemTag, "surge");
        span.SetTag(SurgeTracing.MessagingOperationTag, "send");
        span.SetTag(SurgeTracing.MessageIdTag, spec.Id);
        span.SetTag(SurgeTracing.DestinationTag, spec.Type);
        if (spec.Entity is { } entity) span.SetTag(SurgeTracing.EntityTag, entity);
        return span;
    }

    /// <summary>
    /// The spec with the trace it was submitted in: the client span's, else the caller's own current span (a request
    /// of theirs), else unchanged. A traceparent the caller set is kept. No copy when there is no trace.
    /// </summary>
    public static TaskSpec Stamp(TaskSpec spec, Activity? span)
        => spec.TraceParent is null && SurgeTracing.TraceParentOf(span) is { } traceParent ? spec with { TraceParent = traceParent } : spec;

    public static TaskStatus Ended(Activity? span, TaskStatus status)
    {
        span?.SetTag(SurgeTracing.TaskStateTag, status.State.ToString());
        if (span is not null && status.State is TaskState.Failed or TaskState.Cancelled)
            span.SetStatus(ActivityStatusCode.Error, status.Error);
        return status;
    }
}
