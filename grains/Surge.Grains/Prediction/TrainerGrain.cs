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
        var (challenger, incumbent) = (result.ChallengerScore, result.ChampionScore ?? result.BaselineScore!);
        var against = result.ChampionScore is null ? BaselinePredictor.Version : champion!.Version;
        if (result.Promote)
        {
            LogPromoted(version, against, result.Reason);
            await PromoteAsync(result.Challenger);
        }
        else
        {
            LogNotPromoted(version, against, challenger.OffBy2x, incumbent.OffBy2x, challenger.MemoryMedianRelError, incumbent.MemoryMedianRelError, result.Reason);
        }
        return new TrainingReport(history.Count, result.Promote, result.Reason, Champion()?.Version, challenger.OffBy2x, result.ChampionScore?.OffBy2x,
            challenger.MemoryMedianRelError, result.ChampionScore?.MemoryMedianRelError, result.BaselineScore?.OffBy2x, result.BaselineScore?.MemoryMedianRelError);
    }

    // Before the first promotion, the model this silo started from (Surge:Predictor:ModelPath) is what to beat.
    private SurgeModel? Champion()
    {
        if (_champion is null && state.State.Champion is { } file)
        {
            try
            {
                _champion = SurgeModel.Load(new MemoryStream(file.Bytes), file.Version);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
            {
                // Unreadable (written by another build, or damaged): the next challenger is measured against this
                // silo's own model and, promoted, replaces it; failing here would fail every retraining for good.
                LogChampionUnreadable(e, file.Version);
            }
        }
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
        return Merge(perSilo).ConvertAll(s => s.ToRow());
    }

    /// <summary>
    /// The silos' histories, each oldest first, as one oldest first: by each row's place in its own silo's history. The
    /// challenger is judged on the newest rows of the whole, which are then the newest of every silo's, not the last
    /// silo's whole history (silos of one group see only some task types).
    /// </summary>
    internal static List<T> Merge<T>(IReadOnlyList<IReadOnlyList<T>> perSilo)
        => [.. perSilo.SelectMany(rows => rows.Select((row, i) => (Row: row, At: (i + 1.0) / rows.Count))).OrderBy(r => r.At).Select(r => r.Row)];

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

    [LoggerMessage(1, LogLevel.Information, "Challenger {Version} promoted over {Against} ({Reason})")]
    private partial void LogPromoted(string version, string against, string reason);

    // Both figures of both measures, so a refusal can be judged from the log alone, whichever measure refused it.
    [LoggerMessage(4, LogLevel.Information, "Challenger {Version} not promoted over {Against}: off by 2x {ChallengerOffBy2x} vs {IncumbentOffBy2x}, memory error {ChallengerMemoryError} vs {IncumbentMemoryError} ({Reason})")]
    private partial void LogNotPromoted(string version, string against, double challengerOffBy2x, double incumbentOffBy2x,
        double challengerMemoryError, double incumbentMemoryError, string reason);

    [LoggerMessage(3, LogLevel.Warning, "The stored champion model {Version} could not be read; challengers are measured against this silo's model")]
    private partial void LogChampionUnreadable(Exception exception, string version);

    [LoggerMessage(2, LogLevel.Warning, "Retraining failed; the current model stays")]
    private partial void LogRetrainFailed(Exception exception);
}
