using Microsoft.Extensions.Logging;
using Surge.Workers;

namespace Surge.Caps;

/// <summary>
/// Keeps this silo's leases of capped types in step with its demand: every 50 ms, for each type with work here, one
/// call to the type's cap grain (renew, grow, or give back). Tasks themselves never call it.
/// </summary>
internal sealed partial class CapLeaseKeeper(WorkerExecutor executor, IGrainFactory grains, ILocalSiloDetails silo, TimeProvider time,
    ILogger<CapLeaseKeeper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private long _lastLogged;
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle)
    {
        if (executor.CappedTypes.Count == 0) return;
        // Starts once the silo is active; stops only after the drain (which stops at Active), so capped tasks still
        // waiting when a single silo drains can get their slots and run.
        lifecycle.Subscribe(nameof(CapLeaseKeeper), ServiceLifecycleStage.Active, _ =>
        {
            _loop = Task.Run(() => RunAsync(_stop.Token));
            return Task.CompletedTask;
        });
        lifecycle.Subscribe(nameof(CapLeaseKeeper), ServiceLifecycleStage.ApplicationServices, _ => Task.CompletedTask, async _ =>
        {
            await _stop.CancelAsync();
            await _loop;
        });
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var me = silo.SiloAddress.ToParsableString();
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await Task.WhenAll(executor.CappedTypes.Select(type => SyncAsync(type, me)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SyncAsync(string type, string me)
    {
        if (executor.CapRequestFor(type, me) is not { } request) return;
        try
        {
            executor.ApplyGrant(type, await grains.GetGrain<ICapGrain>(type).SyncAsync(request));
        }
        catch (Exception e)
        {
            // The lease runs out by itself: with no answer this silo stops starting the type, it never overshoots.
            // Said once every 10 s, not at every 50 ms tick.
            var last = Interlocked.Read(ref _lastLogged);
            if ((last == 0 || time.GetElapsedTime(last) > LogEvery) && Interlocked.CompareExchange(ref _lastLogged, time.GetTimestamp(), last) == last)
                LogSyncFailed(type, e.Message);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Cap lease sync for type {Type} failed: {Error}")]
    private partial void LogSyncFailed(string type, string error);
}
