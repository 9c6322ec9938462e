using System.Diagnostics;
using static Surge.Telemetry.SurgeTracing;

namespace Surge.Telemetry;

/// <summary>
/// The silo's spans of a task (<see cref="SurgeTracing"/> names them): each starts under the <c>traceparent</c> its
/// task carries, so a dispatch, an attempt or an entity's hold joins the submitting trace wherever and whenever it
/// happens. Each returns null, having parsed nothing, when nobody listens. Plain values in, not tasks: telemetry is
/// what every feature uses, so it uses none of them (not even the contracts' records).
/// </summary>
internal static class TaskSpans
{
    /// <summary>A dispatch on the task's shard, detached: it ends when its batch is queued in a pool, turns later.</summary>
    public static Activity? StartDispatch(string taskId, string type, string? traceParent, int attempt, string silo, int shard)
    {
        var span = StartDetached(DispatchSpan, ActivityKind.Internal, traceParent, taskId);
        if (span is null) return null;
        span.SetTag(TaskTypeTag, type);
        span.SetTag(AttemptTag, attempt);
        span.SetTag(SiloTag, silo);
        span.SetTag(ShardTag, shard);
        return span;
    }

    /// <summary>
    /// An attempt, as the current span of the run so that the handler's own spans (HTTP calls, queries) are its
    /// children. Under <paramref name="parent"/>: its dispatch's span when there is one, else the task's own trace.
    /// </summary>
    public static Activity? StartAttempt(string taskId, string type, string? entity, string? parent, int attempt, string pool, string? silo)
    {
        if (!Source.HasListeners()) return null;
        TryParseTraceParent(parent, out var context);
        var span = Source.StartActivity(AttemptSpan, ActivityKind.Consumer, context);
        if (span is null) return null;
        span.SetTag(TaskIdTag, taskId);
        span.SetTag(TaskTypeTag, type);
        span.SetTag(AttemptTag, attempt);
        span.SetTag(PoolTag, pool);
        if (silo is not null) span.SetTag(SiloTag, silo);
        span.SetTag(MessagingSystemTag, "surge");
        span.SetTag(MessagingOperationTag, "process");
        span.SetTag(MessageIdTag, taskId);
        span.SetTag(DestinationTag, type);
        if (entity is not null) span.SetTag(EntityTag, entity);
        return span;
    }

    /// <summary>
    /// An entity's step with one of its events (<see cref="SurgeTracing.HoldSpan"/>, <see cref="SurgeTracing.ReleaseSpan"/>), detached:
    /// the entity's grain turn serves other events too. A hold is made when it ends, starting when the event arrived.
    /// </summary>
    public static Activity? StartEntity(string name, string taskId, string? traceParent, string entity, string silo, DateTimeOffset startTime = default)
    {
        var span = StartDetached(name, ActivityKind.Internal, traceParent, taskId, startTime);
        if (span is null) return null;
        span.SetTag(EntityTag, entity);
        span.SetTag(SiloTag, silo);
        return span;
    }

    /// <summary>The trace id a run's log scope names: its span's, else its task's traceparent's, else none.</summary>
    public static string? TraceIdOf(Activity? span, string? traceParent)
    {
        if (span is not null) return span.TraceId.ToHexString();
        return TryParseTraceParent(traceParent, out var context) ? context.TraceId.ToHexString() : null;
    }
}
