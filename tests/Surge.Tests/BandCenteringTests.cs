using System.IO.Compression;
using System.Text.Json.Nodes;
using Surge.Prediction;
using Surge.Prediction.Models;

namespace Surge.Tests;

public class BandCenteringTests
{
    private static bool Within2x(double guess, double actual) => guess / actual is > 0.5 and < 2;

    [Fact]
    public void Centre_UniformDurations_PutsEveryOneWithin2x()
    {
        // 4–14 ms: the mean of the logs (≈ 8.5 ms) leaves the runs under 4.25 ms off by 2×; the band's centre does not.
        var durations = Enumerable.Range(0, 101).Select(i => 4 + i / 10.0).ToArray();
        var meanLogGuess = Math.Exp(durations.Average(Math.Log));
        Assert.Contains(durations, d => !Within2x(meanLogGuess, d));

        var ratios = durations.Select(d => BandCentering.LogRatio(d, meanLogGuess)).Order().ToArray();
        var shift = BandCentering.Centre(ratios, out var within);

        Assert.Equal(durations.Length, within);
        Assert.All(durations, d => Assert.True(Within2x(meanLogGuess * Math.Exp(shift), d), $"{d} ms"));
    }

    [Fact]
    public void Centre_RoundedEndsExactly4xApart_CountsOnlyWhatIsReallyWithin2x()
    {
        // 2.0 to 8.0 ms in steps of 0.1: no guess is within 2× of both 2.0 and 8.0, whatever the logs round to.
        var durations = Enumerable.Range(20, 61).Select(i => i / 10.0).ToArray();

        var centre = Math.Exp(BandCentering.Centre(durations.Select(d => Math.Log(d)).Order().ToArray(), out var within));

        Assert.Equal(durations.Length - 1, within);
        Assert.Equal(within, durations.Count(d => Within2x(centre, d)));
    }

    [Fact]
    public void Fit_TypeWhoseGuessesAreNoise_GetsOneDurationWithin2xOfAll()
    {
        var rng = new Random(1);
        var rows = Enumerable.Range(0, 400).Select(_ => ("report", 6 + rng.NextDouble() * 6, 4 + rng.NextDouble() * 10)).ToArray();

        var (shifts, constants) = BandCentering.Fit(rows);

        Assert.False(shifts.ContainsKey("report"));
        Assert.All(rows, r => Assert.True(Within2x(constants["report"], r.Item3), $"{constants["report"]} vs {r.Item3}"));
    }

    [Fact]
    public void Fit_GuessesAtTheMedianOfALognormalSpread_StayAsTheyAre()
    {
        var rng = new Random(2);
        var rows = Enumerable.Range(0, 2_000).Select(_ =>
        {
            var guess = Math.Exp(2 + rng.NextDouble() * 6); // 7 ms to 22 s: features matter
            return ("fetch", guess, guess * Math.Exp(0.25 * Gauss(rng)));
        }).ToArray();

        var (shifts, constants) = BandCentering.Fit(rows);

        Assert.Empty(constants);
        Assert.Empty(shifts); // a gain under 1% of the rows is noise, and would only move guesses across the threshold
    }

    [Fact]
    public void Fit_GuessesSkewedLow_ShiftsThemBackUp()
    {
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 1_000).Select(_ =>
        {
            var median = Math.Exp(2 + rng.NextDouble() * 6);
            return ("fetch", median / 1.8, median * Math.Exp(0.2 * Gauss(rng)));
        }).ToArray();

        var (shifts, _) = BandCentering.Fit(rows);

        Assert.InRange(Math.Exp(shifts["fetch"]), 1.6, 2.0);
    }

    [Fact]
    public void Fit_TooFewRowsOfAType_LeavesItAlone()
    {
        var rows = Enumerable.Range(0, BandCentering.MinRows - 1).Select(i => ("rare", 100.0, 10.0 + i)).ToArray();

        var (shifts, constants) = BandCentering.Fit(rows);

        Assert.Empty(shifts);
        Assert.Empty(constants);
    }

    [Fact]
    public void Train_TypeWithoutFeatureSignal_IsGuessedWithin2xAndRoutedAsBefore()
    {
        var history = WithReports(TrainedModelFixture.Synthetic(1_500, seed: 31), seed: 32);
        var model = ModelTrainer.Train(history, "centred", DateTimeOffset.UnixEpoch);
        var heldOut = WithReports(TrainedModelFixture.Synthetic(500, seed: 33), seed: 34).Where(r => r.Type == "report").ToList();

        var score = ModelEvaluation.Of(r => model.Predict(r.Type, r.Features), heldOut, 50);
        var p = model.Predict("report", [new Feature("source", "slow", 0)]);

        Assert.True(score.OffBy2x < 0.01, $"off by 2x {score.OffBy2x}");
        Assert.True(model.Info.DurationConstant!.ContainsKey("report"));
        Assert.True(p.UpperDurationMs >= p.DurationMs);
        Assert.True(p.UpperDurationMs < 50, $"upper {p.UpperDurationMs}"); // still short
    }

    [Fact]
    public void SaveLoad_CentredModel_KeepsTheCentring()
    {
        var model = ModelTrainer.Train(WithReports(TrainedModelFixture.Synthetic(1_500, seed: 41), seed: 42), "centred", DateTimeOffset.UnixEpoch);
        using var file = new MemoryStream();
        model.Save(file);
        file.Position = 0;

        var loaded = SurgeModel.Load(file);

        Feature[] features = [new Feature("source", "fast", 0), new Feature("rows", null, 700)];
        Assert.Equal(model.Predict("report", features), loaded.Predict("report", features));
        Assert.Equal(model.Predict("fetch", features), loaded.Predict("fetch", features));
    }

    [Fact]
    public void Load_ModelFileFromBeforeCentring_PredictsTheRegression()
    {
        var model = ModelTrainer.Train(WithReports(TrainedModelFixture.Synthetic(1_500, seed: 51), seed: 52), "old", DateTimeOffset.UnixEpoch);
        using var file = new MemoryStream();
        model.Save(file);
        using var old = WithoutCentring(file);

        var loaded = SurgeModel.Load(old);

        Assert.Null(loaded.Info.DurationConstant);
        Assert.Null(loaded.Info.DurationShift);
        Feature[] features = [new Feature("source", "medium", 0), new Feature("rows", null, 5_000)];
        var report = loaded.Predict("report", features);
        Assert.True(double.IsFinite(report.DurationMs) && report.UpperDurationMs >= report.DurationMs);
        Assert.NotEqual(model.Predict("report", features).DurationMs, report.DurationMs); // the regression, not the centred constant
        Assert.Equal(model.Predict("fetch", features).UpperDurationMs, loaded.Predict("fetch", features).UpperDurationMs, 9); // routing reads the same regression
    }

    // Adds a type whose duration (uniform 4–14 ms) has nothing to do with its features, like the generator's reports.
    private static List<HistoryRow> WithReports(IReadOnlyList<HistoryRow> fetches, int seed)
    {
        var rng = new Random(seed);
        var rows = fetches.ToList();
        foreach (var fetch in fetches) rows.Add(new HistoryRow("report", fetch.Features, 4 + rng.NextDouble() * 10, 16));
        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        return rows;
    }

    // The model file as the version before centring wrote it: model.json without the centring fields.
    private static MemoryStream WithoutCentring(MemoryStream file)
    {
        var copy = new MemoryStream();
        file.Position = 0;
        using (var source = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true))
        using (var target = new ZipArchive(copy, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                using var output = target.CreateEntry(entry.FullName).Open();
                if (entry.FullName != "model.json")
                {
                    input.CopyTo(output);
                    continue;
                }
                var info = JsonNode.Parse(input)!.AsObject();
                Assert.True(info.Remove(nameof(ModelInfo.DurationShift)) && info.Remove(nameof(ModelInfo.DurationConstant)));
                using var writer = new System.Text.Json.Utf8JsonWriter(output);
                info.WriteTo(writer);
            }
        }
        copy.Position = 0;
        return copy;
    }

    private static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
