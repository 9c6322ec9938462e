using Surge.Prediction;
using Surge.Prediction.Models;

namespace Surge.Tests;

public class ChampionChallengerTests(TrainedModelFixture trained) : IClassFixture<TrainedModelFixture>
{
    private static ModelEvaluation Score(double offBy2x, double routing, double memory = 0.1) => new(0.9, offBy2x, memory, routing, 0);

    [Fact]
    public void Decide_MoreDurationErrors_NotPromoted() => Assert.False(ChampionChallenger.Decide(Score(0.11, 0.99), Score(0.10, 0.90)).Promote);

    [Fact]
    public void Decide_FewerErrorsButWorseRouting_NotPromoted() => Assert.False(ChampionChallenger.Decide(Score(0.05, 0.90), Score(0.10, 0.95)).Promote);

    [Fact]
    public void Decide_FewerErrorsRoutingWithinTolerance_Promoted() => Assert.True(ChampionChallenger.Decide(Score(0.05, 0.948), Score(0.10, 0.95)).Promote);

    [Fact]
    public void Decide_FewerDurationErrorsButMuchWorseMemory_NotPromoted()
    {
        var (promote, reason) = ChampionChallenger.Decide(Score(0.05, 0.95, memory: 0.30), Score(0.10, 0.95, memory: 0.10));
        Assert.False(promote, reason);
        Assert.Contains("0.3", reason);
        Assert.Contains("0.1", reason);
    }

    [Fact]
    public void Decide_BetterMemoryDurationWithinTolerance_Promoted()
        => Assert.True(ChampionChallenger.Decide(Score(0.102, 0.95, memory: 0.05), Score(0.10, 0.95, memory: 0.10)).Promote);

    [Fact]
    public void Decide_BetterDurationMemoryWithinTolerance_Promoted()
        => Assert.True(ChampionChallenger.Decide(Score(0.05, 0.95, memory: 0.104), Score(0.10, 0.95, memory: 0.10)).Promote);

    [Fact]
    public void Decide_BetterMemoryDurationWorseBeyondTolerance_NotPromoted()
        => Assert.False(ChampionChallenger.Decide(Score(0.12, 0.95, memory: 0.05), Score(0.10, 0.95, memory: 0.10)).Promote);

    [Fact]
    public void Decide_EqualOnBothMeasures_NotPromoted()
        => Assert.False(ChampionChallenger.Decide(Score(0.10, 0.95), Score(0.10, 0.95)).Promote);

    [Fact]
    public void Decide_AgainstBaseline_ReasonNamesTheBaseline()
        => Assert.Contains("baseline", ChampionChallenger.Decide(Score(0.20, 0.95), Score(0.10, 0.95), "baseline").Reason);

    [Fact]
    public void Run_NoChampionAndChallengerWorseThanBaseline_IsNotPromoted()
    {
        // Skewed history: one source took 10 ms and the other 100, then, in the newest rows that judge, every task
        // took 30. The challenger learnt the sources and is off by 2x on all of those; the per-type baseline, one
        // duration between 10 and 100, is within 2x of them.
        var history = Runs(1_000, seed: 31, shifted: false).Concat(Runs(250, seed: 32, shifted: true)).ToList();
        var result = ChampionChallenger.Run(history, champion: null, "skewed", DateTimeOffset.UnixEpoch, 50);
        Assert.False(result.Promote, result.Reason);
        Assert.Contains("baseline", result.Reason);
        Assert.NotNull(result.BaselineScore);
        Assert.True(result.ChallengerScore.OffBy2x > result.BaselineScore.OffBy2x, result.Reason);
    }

    [Fact]
    public void Run_NoChampionAndChallengerBeatsBaseline_IsPromoted()
    {
        var result = ChampionChallenger.Run(TrainedModelFixture.Synthetic(1_500, seed: 41), champion: null, "first", DateTimeOffset.UnixEpoch, 50);
        Assert.True(result.Promote, result.Reason);
        Assert.True(result.ChallengerScore.OffBy2x < result.BaselineScore!.OffBy2x, result.Reason);
    }

    // One type of one memory size whose duration the source decides (10 or 100 ms), or once shifted, 30 ms whatever the source.
    private static IEnumerable<HistoryRow> Runs(int n, int seed, bool shifted)
    {
        var rng = new Random(seed);
        for (var i = 0; i < n; i++)
        {
            var quick = rng.Next(2) == 0;
            yield return new HistoryRow("fetch", [new Feature("source", quick ? "a" : "b", 0)], shifted ? 30 : quick ? 10 : 100, 20);
        }
    }

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
