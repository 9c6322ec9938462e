using Microsoft.Extensions.Logging;

namespace Surge.Entities;

internal sealed partial class EntityGrain
{
    [LoggerMessage(1, LogLevel.Warning, "Event {TaskId} of entity {Entity} failed without running: {Reason}")]
    private partial void LogExpired(string taskId, string entity, string reason);
}
