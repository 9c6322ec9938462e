using Microsoft.Extensions.Logging;

namespace Surge.Entities;

internal sealed partial class EntityGrain
{
    [LoggerMessage(1, LogLevel.Warning, "Event {TaskId} of entity {Entity} failed without running: {Reason}")]
    private partial void LogExpired(string taskId, string entity, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Event {TaskId} of entity {Entity} was released but its run is gone: running it again")]
    private partial void LogRunLost(string taskId, string entity);
}
