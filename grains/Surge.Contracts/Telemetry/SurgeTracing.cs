using System.Diagnostics;

namespace Surge.Telemetry;

/// <summary>
/// Surge's spans: the <see cref="ActivitySource"/> named <see cref="SourceName"/>, its span names and its tags. A task's
/// trace runs from the client's submit to every attempt of its handler, however much later and on whichever silo: the
/// W3C <c>traceparent</c> of the submitting span is kept on the task (<see cref="TaskSpec.TraceParent"/>). Listen with
/// OpenTelemetry's <c>AddSource(SurgeTracing.SourceName)</c>. With no listener no span is made and nothing is formatted.
/// </summary>
public static class SurgeTracing
{
    /// <summary>The name of Surge's <see cref="ActivitySource"/> (as <c>SurgeMeter</c>'s meter is named).</summary>
    public const string SourceName = "Surge";

    /// <summary>The client's <c>SubmitAsync</c>: the task is recorded when it ends.</summary>
    public const string SubmitSpan = "surge.submit";

    /// <summary>The client's <c>RunAsync</c>: submit, then wait until the task is final.</summary>
    public const string RunSpan = "surge.run";

    /// <summary>On the task's shard: one dispatch of the task (its first, a retry, a recovery), until it is queued in a pool.</summary>
    public const string DispatchSpan = "surge.dispatch";

    /// <summary>On the silo that runs it: one attempt of the handler, with its outcome.</summary>
    public const string AttemptSpan = "surge.attempt";

    /// <summary>On the entity's shard: an entity event held for its predecessor, from its arrival to its release (or expiry).</summary>
    public const string HoldSpan = "surge.entity.hold";

    /// <summary>On the entity's shard: the entity lets an event run (at once, or once its predecessor has ended).</summary>
    public const string ReleaseSpan = "surge.entity.release";

    /// <summary>On every Surge span: the task's id.</summary>
    public const string TaskIdTag = "surge.task_id";

    /// <summary>The task's type (<see cref="TaskSpec.Type"/>).</summary>
    public const string TaskTypeTag = "surge.task_type";

    /// <summary>The attempt a dispatch or run is (1, 2, …; a retried dead letter goes on counting).</summary>
    public const string AttemptTag = "surge.attempt";

    /// <summary>The pool an attempt ran in: <c>short</c>, <c>long</c> or <c>single</c>.</summary>
    public const string PoolTag = "surge.pool";

    /// <summary>The silo a span ran on (its Orleans address), so a trace shows where each step happened.</summary>
    public const string SiloTag = "surge.silo";

    /// <summary>The task's shard (<see cref="TaskShards.For"/>), on a dispatch.</summary>
    public const string ShardTag = "surge.shard";

    /// <summary>The entity of an entity event (<see cref="TaskSpec.Entity"/>).</summary>
    public const string EntityTag = "surge.entity";

    /// <summary>The task's state when a client span ends (its final state for <see cref="RunSpan"/>).</summary>
    public const string TaskStateTag = "surge.task_state";

    // OpenTelemetry's semantic conventions, where one fits: a task is a message, its shard the broker, a handler the consumer.
    internal const string MessagingSystemTag = "messaging.system";
    internal const string MessagingOperationTag = "messaging.operation.type";
    internal const string MessageIdTag = "messaging.message.id";
    internal const string DestinationTag = "messaging.destination.name";
    internal const string ErrorTypeTag = "error.type";

    internal static readonly ActivitySource Source = new(SourceName, typeof(SurgeTracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Reads a W3C <c>traceparent</c> into the context a span of its trace starts under. False for null or malformed
    /// input, which a span treats as no parent (W3C: an invalid traceparent is ignored).
    /// </summary>
    public static bool TryParseTraceParent(string? traceParent, out ActivityContext context)
    {
        context = default;
        return traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out context);
    }

    /// <summary>
    /// The <c>traceparent</c> a submission should carry: that of <paramref name="span"/>, else of the caller's own current
    /// span (another source's, e.g. ASP.NET Core's request), else null. Reads <see cref="Activity.Id"/> only when a
    /// span exists, so a caller nobody traces formats nothing.
    /// </summary>
    internal static string? TraceParentOf(Activity? span)
        => (span ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// Starts a span under <paramref name="traceParent"/> without making it the caller's current span: a grain turn
    /// that dispatches or releases goes on with other tasks' work, which must not become this span's children. Null
    /// when nobody listens, before anything is parsed. End it with <see cref="StopDetached"/>.
    /// </summary>
    internal static Activity? StartDetached(string name, ActivityKind kind, string? traceParent, string taskId, DateTimeOffset startTime = default)
    {
        if (!Source.HasListeners()) return null;
        TryParseTraceParent(traceParent, out var parent);
        var previous = Activity.Current;
        var span = Source.StartActivity(name, kind, parent, startTime: startTime);
        Activity.Current = previous;
        span?.SetTag(TaskIdTag, taskId);
        return span;
    }

    /// <summary>Ends a span of <see cref="StartDetached"/>, leaving the caller's current span as it was.</summary>
    internal static void StopDetached(Activity? span)
    {
        if (span is null) return;
        var current = Activity.Current;
        span.Stop();
        if (!ReferenceEquals(current, span)) Activity.Current = current;
    }

    /// <summary>Marks a span failed, with OpenTelemetry's <c>error.type</c> and the exception as an event.</summary>
    internal static void Fail(Activity? span, Exception error, string? description = null)
    {
        if (span is null) return;
        span.SetStatus(ActivityStatusCode.Error, description ?? error.Message);
        span.SetTag(ErrorTypeTag, error.GetType().FullName);
        span.AddException(error);
    }
}
