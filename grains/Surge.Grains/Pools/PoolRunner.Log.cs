using Microsoft.Extensions.Logging;

namespace Surge.Pools;

internal sealed partial class PoolRunner
{
    // Around each run: what the handler and the runtime log about it names the task, its attempt and its trace.
    private static readonly Func<ILogger, string, int, string?, IDisposable?> RunScope =
        LoggerMessage.DefineScope<string, int, string?>("Task {TaskId} attempt {Attempt} trace {TraceId}");

    private IDisposable? BeginRunScope(string taskId, int attempt, string? traceId) => RunScope(_logger, taskId, attempt, traceId);

    [LoggerMessage(1, LogLevel.Information, "Pool {Pool} concurrency limit {From} -> {To}")]
    private partial void LogLimitChanged(string pool, int from, int to);

    [LoggerMessage(2, LogLevel.Debug, "Task {TaskId} of type {Type} failed")]
    private partial void LogTaskFailed(Exception exception, string taskId, string type);

    [LoggerMessage(3, LogLevel.Warning, "Task {TaskId} of type {Type} passed its hard time limit ({Limit}) ignoring its cancelled token: abandoned, its slot freed")]
    private partial void LogAbandoned(string taskId, string type, TimeSpan limit);

    [LoggerMessage(4, LogLevel.Warning, "Task {TaskId} of type {Type}: disposing its run's services failed; its outcome stands")]
    private partial void LogScopeDisposeFailed(Exception exception, string taskId, string type);

    [LoggerMessage(5, LogLevel.Warning, "Task {TaskId}: the run log could not record its run's {Write}; the run and its report go on")]
    private partial void LogRunLogFailed(Exception exception, string taskId, string write);

    [LoggerMessage(6, LogLevel.Warning, "Task {TaskId} of type {Type} failed after the drain gave it up ({Error}): not reported, left to recovery")]
    private partial void LogGivenUpFailure(string taskId, string type, string? error);

    [LoggerMessage(7, LogLevel.Warning, "Task {TaskId}: a dispatch of attempt {Attempt} arrived while this silo holds another of its attempts, queued or running: dropped, so the task does not run twice at once; the run held here reports for the later of the two")]
    private partial void LogStaleDispatch(string taskId, int attempt);

    [LoggerMessage(8, LogLevel.Warning, "Task {TaskId} of type {Type}: a callback its handler registered on its cancellation token threw; the token is cancelled, and the run ends as its handler does")]
    private partial void LogCancelCallbackFailed(Exception exception, string taskId, string type);

    [LoggerMessage(9, LogLevel.Information, "A shard asked about {Count} dispatch(es) this silo does not hold (the first: task {TaskId}, attempt {Attempt}); they and their earlier attempts are barred here, as the shard runs them again")]
    private partial void LogBarred(int count, string taskId, int attempt);

    [LoggerMessage(10, LogLevel.Warning, "Task {TaskId}: a dispatch of attempt {Attempt} arrived after this silo told its shard it did not hold it (a late batch): dropped and reported never started, so the task does not run beside the run that replaced it")]
    private partial void LogBarredDispatch(string taskId, int attempt);
}
