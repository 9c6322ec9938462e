using Microsoft.Extensions.Hosting;
using Surge.Pools;

namespace Surge.Hosting;

/// <summary>
/// Starts the silo's drain when the host starts stopping, before any hosted service stops: the web server stays up
/// meanwhile, so <c>/ready</c> answers 503 "draining" instead of refusing connections.
/// </summary>
internal sealed class DrainOnStopping(SiloDrain drain) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken) => drain.DrainAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
