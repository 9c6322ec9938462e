namespace Surge.Prediction;

/// <summary>
/// The cluster's one trainer (key 0; Orleans keeps a single activation): retrains on the history of every silo,
/// promotes a challenger only when it beats the champion (before the first, the per-type baseline), and hands
/// promoted models to every silo.
/// </summary>
internal interface ITrainerGrain : IGrainWithIntegerKey
{
    Task<TrainingReport> RetrainAsync();

    /// <summary>The promoted model, or null before the first promotion.</summary>
    Task<ModelFile?> GetChampionAsync();
}

/// <summary>A model as it travels: its version and the bytes of its file.</summary>
[GenerateSerializer, Immutable]
internal sealed record ModelFile([property: Id(0)] string Version, [property: Id(1)] byte[] Bytes);

/// <summary>
/// What one retraining did and why. Before there is a champion, the challenger is measured against the per-type
/// baseline: the Baseline figures are set, the Champion ones null; after, the other way round.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record TrainingReport(
    [property: Id(0)] int Rows,
    [property: Id(1)] bool Promoted,
    [property: Id(2)] string Reason,
    [property: Id(3)] string? ChampionVersion,
    [property: Id(4)] double? ChallengerOffBy2x,
    [property: Id(5)] double? ChampionOffBy2x,
    [property: Id(6)] double? ChallengerMemoryError = null,
    [property: Id(7)] double? ChampionMemoryError = null,
    [property: Id(8)] double? BaselineOffBy2x = null,
    [property: Id(9)] double? BaselineMemoryError = null);

/// <summary>The trainer's persisted state: the champion's file, so a restarted trainer still knows what to beat.</summary>
[GenerateSerializer]
internal sealed class TrainerState
{
    [Id(0)] public ModelFile? Champion { get; set; }
    [Id(1)] public int Generation { get; set; }
}
