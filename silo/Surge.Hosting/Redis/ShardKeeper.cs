using Microsoft.Extensions.Logging;
using Surge.Background;

namespace Surge.Hosting.Redis;

/// <summary>
/// Recovery without traffic: every few seconds each silo touches every task shard. A shard whose silo died comes back
/// on a live silo at the next touch (once membership has declared the old one dead), reloads its records from Redis
/// and runs what was unfinished. Touching a live shard costs one small call.
/// </summary>
internal sealed partial class ShardKeeper(IGrainFactory grains, TimeProvider time, ILogger<ShardKeeper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = logger;

    public void Participate(ISiloLifecycle lifecycle)
        => ActiveSiloLoop.Subscribe(lifecycle, nameof(ShardKeeper), Period, TouchAllAsync, time, _logger);

    private Task TouchAllAsync(CancellationToken cancellationToken)
        => Task.WhenAll(Enumerable.Range(0, TaskShards.Count).Select(async shard =>
        {
            try { await grains.GetGrain<ITaskShardGrain>(shard).GetStatusAsync(""); }
            catch (Exception e) { LogTouchFailed(shard, e.Message); } // membership has not settled yet: next tick
        }));

    [LoggerMessage(1, LogLevel.Debug, "Shard {Shard} did not answer: {Error}")]
    private partial void LogTouchFailed(int shard, string error);
}
