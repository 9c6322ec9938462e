using Microsoft.Extensions.Logging;

namespace Surge.Prediction;

/// <summary>
/// When this silo becomes active, it takes the cluster's promoted model (if any) and wakes the trainer, whose
/// timer then keeps retraining. A silo that joins late routes with the same model as the others.
/// </summary>
internal sealed partial class ModelSync(IGrainFactory grains, ModelPredictor predictor, ILogger<ModelSync> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly ILogger _logger = logger;

    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(ModelSync), ServiceLifecycleStage.Active, StartAsync, _ => Task.CompletedTask);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await grains.GetGrain<ITrainerGrain>(0).GetChampionAsync() is { } champion && predictor.Model?.Version != champion.Version)
                predictor.Use(Models.SurgeModel.Load(new MemoryStream(champion.Bytes), champion.Version));
        }
        catch (Exception e)
        {
            LogSyncFailed(e); // the silo still runs, on its own model or the baseline
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not fetch the cluster's model at start-up")]
    private partial void LogSyncFailed(Exception exception);
}
