using Surge.Prediction.Models;

namespace Surge.Prediction;

/// <summary>What the trainer asks of one silo's predictor (the grain keyed by the silo's address; not for clients).</summary>
internal interface IPredictorControl : IGrainWithStringKey
{
    Task<HistorySample[]> GetHistoryAsync(int max);

    /// <summary>Routes with this model from now on: no restart.</summary>
    Task UseModelAsync(ModelFile model);
}
