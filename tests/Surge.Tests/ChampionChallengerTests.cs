using Surge.Prediction;
using Surge.Prediction.Models;

namespace Surge.Tests;

public class ChampionChallengerTests(TrainedModelFixture trained) : IClassFixture<TrainedModelFixture>
{
    private static ModelEvaluation Score(double offBy2x, double routing) => new(0.9, offBy2x, 0.1, routing, 0);

    [Fact]
    public void Decide_NoChampion_Promotes() => Assert.True(ChampionChallenger.Decide(Score(0.5, 0.5), null).Promote);

    [Fact]
    public void Decide_MoreDurationErrors_NotPromoted() => Assert.False(ChampionChallenger.Decide(Score(0.11, 0.99), Score(0.10, 0.90)).Promote);

    [Fact]
    public void Decide_FewerErrorsButWorseRouting_NotPromoted() => Assert.False(ChampionChallenger.Decide(Score(0.05, 0.90), Score(0.10, 0.95)).Promote);

    [Fact]
    public void Decide_FewerErrorsRoutingWithinTolerance_Promoted() => Assert.True(ChampionChallenger.Decide(Score(0.05, 0.948), Score(0.10, 0.95)).Promote);

    [Fact]
    public void Run_ChallengerTrainedOnNoise_IsNotPromotedOverGoodChampion()
    {
        var rng = new Random(5);
        var noise = TrainedModelFixture.Synthetic(1_500, seed: 11).Select(r => r with { DurationMs = rng.Next(1, 5_000) }).ToList();
        // Judge on real behaviour: the held-out tail is clean history, the head (what the challenger learns from) is noise.
        var history = noise.Take(1_200).Concat(TrainedModelFixture.Synthetic(300, seed: 12)).ToList();
        var result = ChampionChallenger.Run(history, trained.Model, "noisy", DateTimeOffset.UnixEpoch, 50);
        Assert.False(result.Promote, result.Reason);
    }

    [Fact]
    public void Run_GoodChallengerAgainstModelOfNoise_IsPromoted()
    {
        var rng = new Random(6);
        var noise = TrainedModelFixture.Synthetic(1_200, seed: 21).Select(r => r with { DurationMs = rng.Next(1, 5_000) }).ToList();
        var badChampion = ModelTrainer.Train(noise, "bad", DateTimeOffset.UnixEpoch);
        var result = ChampionChallenger.Run(TrainedModelFixture.Synthetic(1_500, seed: 22), badChampion, "good", DateTimeOffset.UnixEpoch, 50);
        Assert.True(result.Promote, result.Reason);
        Assert.True(result.ChallengerScore.OffBy2x < result.ChampionScore!.OffBy2x);
    }

    [Fact]
    public void Merge_SilosOfUnevenHistories_NewestOfTheWholeAreEverySilosNewest()
    {
        IReadOnlyList<IReadOnlyList<string>> perSilo = [["a1", "a2", "a3", "a4", "a5"], ["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10"]];
        var merged = Prediction.TrainerGrain.Merge(perSilo);
        Assert.Equal(15, merged.Count);
        Assert.Equal(["a5", "b10", "b9"], merged.TakeLast(3).Order(StringComparer.Ordinal)); // the newest fifth: from both silos
        Assert.True(merged.IndexOf("a2") < merged.IndexOf("a3") && merged.IndexOf("b2") < merged.IndexOf("b3")); // each silo's order kept
    }
}
