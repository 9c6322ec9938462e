using System.Diagnostics.Metrics;
using Surge.Telemetry;

namespace Surge.Prediction;

/// <summary>
/// <c>surge_model_active{model_version}</c>: 1 for the model this silo predicts with ("baseline" before the first
/// trained one), so a dashboard shows which silos took a new model and when.
/// </summary>
internal sealed class ModelGauges(ModelPredictor predictor, SiloMeter meter) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(ModelGauges), ServiceLifecycleStage.Active, _ => Start(), _ => Task.CompletedTask);

    private Task Start()
    {
        meter.Meter.CreateObservableGauge("surge.model.active", Active, null, "The model this silo predicts with (1), by model_version");
        return Task.CompletedTask;
    }

    private Measurement<int> Active()
        => new(1, new KeyValuePair<string, object?>("model_version", predictor.Model?.Version ?? BaselinePredictor.Version));
}
