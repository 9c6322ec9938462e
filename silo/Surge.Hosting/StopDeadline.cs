using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Surge.Hosting;

/// <summary>
/// Ends a silo whose stop outlasts the host's stop timeout (<c>Surge:Drain:Timeout</c>, or an interruptible silo's
/// reclaim notice) by <see cref="Margin"/>: the process kills itself (SIGKILL, exit 137), as Kubernetes would at the end
/// of its grace period, and the cluster recovers what it ran as after any <c>kill -9</c>.
/// Why: leaving the cluster is a write to the membership table, and while Redis is unreachable, stalled or slow,
/// Orleans tries each of its last two membership writes for up to a minute. A silo whose first one failed (a Redis cut
/// as it was SIGTERM'd) so ran on up to two minutes, still listed active while its grains went (measured in
/// <c>bench chaos</c>: a SIGTERM that met a 5 s Redis cut outlived the harness's 60 s, two more after it on a cluster
/// starved by then; 115 submissions refused meanwhile).
/// </summary>
internal sealed class StopDeadline(IHostApplicationLifetime lifetime, IOptions<HostOptions> host, TimeProvider time) : IHostedService
{
    /// <summary>How long past the host's stop timeout the stop may run before the process ends itself.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    private ITimer? _timer;

    /// <summary>What ends the process; tests put something else here.</summary>
    internal Action<TimeSpan> End { get; init; } = KillSelf;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = host.Value.ShutdownTimeout + Margin;
        lifetime.ApplicationStopping.Register(() => _timer = time.CreateTimer(_ => End(deadline), null, deadline, Timeout.InfiniteTimeSpan));
        lifetime.ApplicationStopped.Register(() => _timer?.Dispose());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void KillSelf(TimeSpan deadline)
    {
        // Straight to stderr: a logger's queue would not be written before the kill.
        Console.Error.WriteLine($"surge silo: the stop took over {deadline.TotalSeconds:0} s (the stop timeout and {Margin.TotalSeconds:0} s); " +
            "Orleans could not record the silo's leaving (is Redis reachable?), so it ends now (SIGKILL) and the cluster recovers its work as after a kill -9");
        Console.Error.Flush();
        System.Diagnostics.Process.GetCurrentProcess().Kill();
    }
}
