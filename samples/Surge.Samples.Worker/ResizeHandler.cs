using System.Security.Cryptography;
using Surge.Workers;

namespace Surge.Samples.Worker;

/// <summary>
/// Shrinks an image into a thumbnail and stores it. Surge resolves it, and so its <see cref="IThumbnailStore"/>, from a
/// DI scope of the run's own, disposed when the run ends: the store could be a DbContext.
/// </summary>
public sealed class ResizeHandler(IThumbnailStore store) : ITaskHandler<ResizeRequest, ResizeResult>
{
    public static TaskType<ResizeRequest, ResizeResult> TaskType => SampleTasks.Resize;

    public async ValueTask<ResizeResult> HandleAsync(ResizeRequest input, TaskContext context, CancellationToken cancellationToken)
    {
        var thumbnail = Thumbnail.Shrink(input);
        var storedAs = await store.SaveAsync(input.Name, thumbnail, cancellationToken);
        return new ResizeResult(input.Name, thumbnail.Width, thumbnail.Height, thumbnail.MeanLuminance,
            Convert.ToHexStringLower(SHA256.HashData(thumbnail.Pixels)), storedAs, store.Instance);
    }
}
