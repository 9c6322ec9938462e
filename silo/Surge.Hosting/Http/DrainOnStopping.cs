using Microsoft.Extensions.Hosting;
using Surge.Pools;

namespace Surge.Hosting;

/// <summary>
/// Starts the silo's drain when the host starts stopping, before any hosted service stops: the web server stays up
/// meanwhile, so <c>/ready</c> answers 503 "draining" instead of refusing connections.
/// </summary>
internal sealed class DrainOnStopping(SiloDrain drain) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await drain.DrainAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's stop timeout ran out while tasks still ran (the silo stalled or was short of CPU): what runs
            // was given up and the drain signal fired (SiloDrain), and the stop goes on. Thrown, it failed the host's
            // stop, and the process aborted (exit 134) instead of leaving.
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
