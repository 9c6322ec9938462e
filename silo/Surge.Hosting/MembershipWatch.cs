using Microsoft.Extensions.Logging;
using Surge.Background;

namespace Surge.Hosting;

/// <summary>
/// Reads the membership table every <see cref="Period"/>, so a silo the others declared dead while it could not reach
/// them (cut off from its peers, or paused) learns it within seconds and stops: Orleans stops a silo that reads itself
/// dead, but on its own reads it only at its next periodic refresh or I-am-alive write, up to 30 s and more later.
/// Meanwhile it would still start the runs it held, beside the survivors' recoveries of the same tasks.
/// </summary>
/// <remarks>Its shards' writes are fenced by their claims (<see cref="ShardClaim"/>) whatever this does; this shortens how long its handlers run for nothing.</remarks>
internal sealed partial class MembershipWatch(IClusterMembershipService membership, TimeProvider time, ILogger<MembershipWatch> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    private readonly ILogger _logger = logger;

    public void Participate(ISiloLifecycle lifecycle)
        => ActiveSiloLoop.Subscribe(lifecycle, nameof(MembershipWatch), Period, ReadAsync, time, _logger);

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await membership.Refresh(default, cancellationToken); // Orleans stops this silo if the table says it is dead
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReadFailed(e.Message); // the store is away: the next tick, and Orleans' own reads, try again
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "The membership table could not be read: {Error}")]
    private partial void LogReadFailed(string error);
}
