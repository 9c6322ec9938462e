using Microsoft.Extensions.Logging;

namespace Surge.Background;

/// <summary>
/// A <see cref="BackgroundLoop"/> that runs while the silo is active: started at its Active stage (once it can make
/// grain calls), stopped as the silo leaves it. The shape of every silo-wide keeper, written once.
/// </summary>
internal static class ActiveSiloLoop
{
    /// <param name="lifecycle">The silo's lifecycle, as <c>ILifecycleParticipant.Participate</c> receives it.</param>
    /// <param name="name">Names the lifecycle step and the loop in logs.</param>
    /// <param name="period">Time between runs (see <see cref="BackgroundLoop.Start"/>).</param>
    /// <param name="body">The work; its token is cancelled as the silo stops.</param>
    /// <param name="time">The silo's clock: a fake one in tests.</param>
    /// <param name="logger">Where a body that throws is logged.</param>
    /// <param name="runAtStart">Also runs the body as the silo becomes active, not only one period later.</param>
    public static void Subscribe(ISiloLifecycle lifecycle, string name, TimeSpan period, Func<CancellationToken, Task> body,
        TimeProvider time, ILogger logger, bool runAtStart = false)
    {
        BackgroundLoop? loop = null;
        lifecycle.Subscribe(name, ServiceLifecycleStage.Active,
            _ =>
            {
                loop = BackgroundLoop.Start(name, period, body, time, logger);
                if (runAtStart) loop.Wake();
                return Task.CompletedTask;
            },
            cancellationToken => loop?.StopAsync(cancellationToken) ?? Task.CompletedTask);
    }
}
