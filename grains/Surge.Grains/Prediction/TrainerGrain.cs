using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Surge.Prediction.Models;

namespace Surge.Prediction;

[KeepAlive]
internal sealed partial class TrainerGrain(
    [PersistentState("trainer", SurgeStorage.Name)] IPersistentState<TrainerState> state,
    ModelPredictor local,
    IOptions<PredictorOptions> options,
    TimeProvider time,
    ILogger<TrainerGrain> logger) : Grain, ITrainerGrain
{
    private readonly ILogger _logger = logger;
    private SurgeModel? _champion;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.RetrainInterval;
        if (interval > TimeSpan.Zero) this.RegisterGrainTimer(RetrainOnScheduleAsync, interval, interval);
        return Task.CompletedTask;
    }

    public Task<ModelFile?> GetChampionAsync() => Task.FromResult(state.State.Champion);

    public async Task<TrainingReport> RetrainAsync()
    {
        var history = await CollectHistoryAsync();
        var champion = Champion();
        if (history.Count < options.Value.MinTrainingRows)
            return new TrainingReport(history.Count, false, $"{history.Count} rows of history, fewer than {PredictorOptions.Section}:MinTrainingRows ({options.Value.MinTrainingRows})", champion?.Version, null, null);

        var version = $"v{state.State.Generation + 1}-{time.GetUtcNow():yyyyMMddHHmmss}";
        // Training takes seconds of CPU: off the grain's turn, so the silo's scheduler is not held.
        var result = await Task.Run(() => ChampionChallenger.Run(history, champion, version, time.GetUtcNow(), options.Value.ScoringThresholdMs));
        LogChallenge(version, result.Promote, result.Reason);
        if (result.Promote) await PromoteAsync(result.Challenger);
        return new TrainingReport(history.Count, result.Promote, result.Reason, Champion()?.Version, result.ChallengerScore.OffBy2x, result.ChampionScore?.OffBy2x);
    }

    // Before the first promotion, the model this silo started from (Surge:Predictor:ModelPath) is what to beat.
    private SurgeModel? Champion()
    {
        if (_champion is null && state.State.Champion is { } file) _champion = SurgeModel.Load(new MemoryStream(file.Bytes), file.Version);
        return _champion ?? local.Model;
    }

    private async Task PromoteAsync(SurgeModel model)
    {
        using var bytes = new MemoryStream();
        model.Save(bytes);
        var file = new ModelFile(model.Version, bytes.ToArray());
        var (champion, generation) = (state.State.Champion, state.State.Generation);
        state.State.Champion = file;
        state.State.Generation++;
        await state.WriteOrUndoAsync(this, () => (state.State.Champion, state.State.Generation) = (champion, generation), $"model {model.Version}");
        _champion = model;
        await Task.WhenAll((await ActiveSilosAsync()).Select(silo => GrainFactory.GetGrain<IPredictorControl>(silo).UseModelAsync(file)));
    }

    private async Task<List<HistoryRow>> CollectHistoryAsync()
    {
        var perSilo = await Task.WhenAll((await ActiveSilosAsync()).Select(silo =>
            GrainFactory.GetGrain<IPredictorControl>(silo).GetHistoryAsync(options.Value.HistoryCapacity)));
        return [.. perSilo.SelectMany(samples => samples.Select(s => s.ToRow()))];
    }

    private async Task<string[]> ActiveSilosAsync()
        => [.. (await GrainFactory.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys.Select(s => s.ToParsableString())];

    private async Task RetrainOnScheduleAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RetrainAsync();
        }
        catch (Exception e)
        {
            LogRetrainFailed(e); // the champion stays; the next tick tries again
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Challenger {Version}: promoted {Promoted} ({Reason})")]
    private partial void LogChallenge(string version, bool promoted, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Retraining failed; the current model stays")]
    private partial void LogRetrainFailed(Exception exception);
}
