using Microsoft.Extensions.Logging;

namespace Surge.Hosting.Redis;

/// <summary>
/// Recovery without traffic: every few seconds each silo touches every task shard. A shard whose silo died comes back
/// on a live silo at the next touch (once membership has declared the old one dead), reloads its records from Redis
/// and runs what was unfinished. Touching a live shard costs one small call.
/// </summary>
internal sealed partial class ShardKeeper(IGrainFactory grains, ILogger<ShardKeeper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = logger;
    private readonly CancellationTokenSource _stop = new();

    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(ShardKeeper), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken cancellationToken)
    {
        _ = Task.Run(LoopAsync);
        return Task.CompletedTask;
    }

    private Task Stop(CancellationToken cancellationToken) => _stop.CancelAsync();

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Period);
        while (!_stop.IsCancellationRequested)
        {
            try { await timer.WaitForNextTickAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            var touches = Enumerable.Range(0, TaskShards.Count).Select(async shard =>
            {
                try { await grains.GetGrain<ITaskShardGrain>(shard).GetStatusAsync(""); }
                catch (Exception e) { LogTouchFailed(shard, e.Message); } // membership has not settled yet: next tick
            });
            await Task.WhenAll(touches);
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Shard {Shard} did not answer: {Error}")]
    private partial void LogTouchFailed(int shard, string error);
}
