using System.Diagnostics;
using Surge.Telemetry;

namespace Surge.Entities;

// The entity's part of its events' traces, under the traceparent each event carries (EntityEvent.TraceParent): a
// release when the entity lets an event run, and a hold for the time an event waited for its predecessor.
internal sealed partial class EntityShardGrain
{
    private string? _here;

    /// <summary>This silo, as spans name it.</summary>
    private string Here => _here ??= silo.SiloAddress.ToParsableString();

    private Activity? StartRelease(string entity, EntityEvent e)
        => TaskSpans.StartEntity(SurgeTracing.ReleaseSpan, e.TaskId, e.TraceParent, entity, Here);

    private static void EndRelease(Activity? span, Exception? failed = null)
    {
        if (failed is not null) SurgeTracing.Fail(span, failed);
        SurgeTracing.StopDetached(span);
    }

    // Made when the hold ends, so no span waits in memory (or is lost with it): from when the event began to wait, on
    // the shard's clock, to its release or expiry.
    private void TraceHold(string entity, HeldEvent held, DateTimeOffset end, string? expired = null)
    {
        var span = TaskSpans.StartEntity(SurgeTracing.HoldSpan, held.Event.TaskId, held.Event.TraceParent, entity, Here, held.Since);
        if (span is null) return;
        if (expired is not null) span.SetStatus(ActivityStatusCode.Error, expired);
        span.SetEndTime(end.UtcDateTime);
        SurgeTracing.StopDetached(span);
    }
}
