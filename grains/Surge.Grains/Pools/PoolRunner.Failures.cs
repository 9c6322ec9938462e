using System.Diagnostics;
using Surge.Telemetry;
using Surge.Workers;

namespace Surge.Pools;

// A handler that fails in a way that would break the runner's own bookkeeping: an exception that cannot be read. Each
// guard keeps the run going to its outcome, its slot's release and its report.
internal sealed partial class PoolRunner
{
    // A handler's exception is the handler's code too: its Message may throw. Nothing here may throw, or the run would
    // end with no outcome, its slot never freed and its task never told.
    private static string Describe(Exception e, WorkItem item, TimeSpan soft)
    {
        try
        {
            return e switch
            {
                OperationCanceledException when item.Cancelled => "cancelled",
                OperationCanceledException => $"soft time limit of {soft} reached: the handler's token was cancelled",
                _ => $"{e.GetType().Name}: {e.Message}",
            };
        }
        catch (Exception)
        {
            return $"{e.GetType().Name} (its message could not be read: reading it threw)";
        }
    }

    // The log and the attempt's span format the exception (its ToString, its Message), which may throw as well: then
    // they get a stand-in that carries what could be read of it.
    private void NoteFailure(Exception e, TaskSpec spec, Activity? span, string error)
    {
        try
        {
            LogTaskFailed(e, spec.Id, spec.Type);
        }
        catch (Exception)
        {
            LogTaskFailed(new UnreadableException(e, error), spec.Id, spec.Type);
        }
        try
        {
            SurgeTracing.Fail(span, e, error);
        }
        catch (Exception)
        {
            span?.AddException(new UnreadableException(e, error)); // its status and error.type were set before the throw
        }
    }

    /// <summary>Stands in, in logs and spans, for a handler's exception that throws when it is formatted.</summary>
    private sealed class UnreadableException(Exception unreadable, string error)
        : Exception($"{error} ({unreadable.GetType().FullName}: formatting it threw)");
}
