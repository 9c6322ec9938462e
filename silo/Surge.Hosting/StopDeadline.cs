using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Surge.Pools;

namespace Surge.Hosting;

/// <summary>
/// Ends a silo whose stop outlasts the host's stop timeout (<c>Surge:Drain:Timeout</c>, or an interruptible silo's
/// reclaim notice) by <see cref="Margin"/>, or, once its drain is over, Orleans' share of that timeout by the same
/// margin: the process kills itself (SIGKILL, exit 137), as Kubernetes would at the end of its grace period, and the
/// cluster recovers what it ran as after any <c>kill -9</c>.
/// Why: leaving the cluster is a write to the membership table, and while Redis is unreachable, stalled or slow,
/// Orleans tries each of its last two membership writes for up to a minute. A silo whose first one failed (a Redis cut
/// as it was SIGTERM'd) so ran on up to two minutes, still listed active while its grains went (measured in
/// <c>bench chaos</c>: a SIGTERM that met a 5 s Redis cut outlived the harness's 60 s, two more after it on a cluster
/// starved by then; 115 submissions refused meanwhile). A drain that ended early leaves all the rest of the timeout to
/// that wait: in a chaos run a silo drained in 1.5 s and then stood listed active, its grains gone, for 18 s more.
/// </summary>
internal sealed class StopDeadline(IHostApplicationLifetime lifetime, IOptions<HostOptions> host, TimeProvider time, DrainSignal? drain = null) : IHostedService
{
    /// <summary>How long past the host's stop timeout, or past Orleans' share of it after the drain, the stop may run.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    private ITimer? _timer;

    /// <summary>What ends the process, given how long the stop has run; tests put something else here.</summary>
    internal Action<TimeSpan> End { get; init; } = KillSelf;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var timeout = host.Value.ShutdownTimeout;
        lifetime.ApplicationStopping.Register(() =>
        {
            var stopping = time.GetTimestamp();
            var timer = time.CreateTimer(_ => End(time.GetElapsedTime(stopping)), null, timeout + Margin, Timeout.InfiniteTimeSpan);
            _timer = timer;
            // Drained (or given up at the tasks' share): what is left is Orleans' to deactivate grains and leave.
            drain?.Drained.Register(() =>
            {
                var afterDrain = SiloDrain.OrleansShare(timeout) + Margin;
                if (afterDrain >= timeout + Margin - time.GetElapsedTime(stopping)) return;
                try
                {
                    timer.Change(afterDrain, Timeout.InfiniteTimeSpan);
                }
                catch (ObjectDisposedException)
                {
                    // stopped already: nothing to end (and the drain's signal must not throw)
                }
            });
        });
        lifetime.ApplicationStopped.Register(() => _timer?.Dispose());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void KillSelf(TimeSpan stopping)
    {
        // Straight to stderr: a logger's queue would not be written before the kill.
        Console.Error.WriteLine($"surge silo: the stop has run {stopping.TotalSeconds:0} s, {Margin.TotalSeconds:0} s past the stop timeout or past " +
            "Orleans' share of it after the drain; Orleans could not record the silo's leaving (is Redis reachable?), so it ends now (SIGKILL) and the " +
            "cluster recovers its work as after a kill -9");
        Console.Error.Flush();
        System.Diagnostics.Process.GetCurrentProcess().Kill();
    }
}
