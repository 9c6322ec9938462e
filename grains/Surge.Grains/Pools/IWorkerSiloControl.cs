using Surge.Prediction;

namespace Surge.Pools;

/// <summary>What the runtime itself asks of one silo (same grain as <see cref="IWorkerSiloGrain"/>, not for clients).</summary>
internal interface IWorkerSiloControl : IGrainWithStringKey
{
    Task<HistorySample[]> GetHistoryAsync(int max);

    /// <summary>Routes with this model from now on: no restart.</summary>
    Task UseModelAsync(ModelFile model);

    /// <summary>Cancels the task in this silo's executor, if it holds it. False when it does not.</summary>
    Task<bool> CancelAsync(string taskId);
}
