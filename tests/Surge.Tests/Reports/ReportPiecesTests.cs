using Surge.Replay.Reports;

namespace Surge.Tests.Reports;

/// <summary>The report renderer's pure pieces: CDF points, bounded downsampling, axis ticks, the SVG they make.</summary>
public class ReportPiecesTests
{
    [Fact]
    public void Cdf_FewValues_OnePointEachRisingToOne()
    {
        var points = Cdf.Of([30, 10, 20, double.NaN, 40]);

        Assert.Equal([new(10, 0.25), new(20, 0.5), new(30, 0.75), new(40, 1)], points);
    }

    [Fact]
    public void Cdf_EqualValues_OnePointCountingAllOfThem()
    {
        var points = Cdf.Of([5, 5, 5, 9]);

        Assert.Equal([new(5, 0.75), new(9, 1)], points);
    }

    [Fact]
    public void Cdf_ManyValues_BoundedKeepsExtremesAndQuantilesClose()
    {
        var values = Enumerable.Range(1, 100_000).Select(i => (double)i).Reverse().ToList();

        var points = Cdf.Of(values, maxPoints: 200);

        Assert.InRange(points.Length, 2, 200);
        Assert.Equal(new ChartPoint(1, 1e-5), points[0]);
        Assert.Equal(new ChartPoint(100_000, 1), points[^1]);
        Assert.All(points.Zip(points.Skip(1)), p => Assert.True(p.Second.X > p.First.X && p.Second.Y > p.First.Y));
        // The true CDF of 1..n at x is x / n: every kept point is exact, and gaps are at most 1 / 200 of the values.
        Assert.All(points, p => Assert.Equal(p.X / 100_000, p.Y, 9));
        Assert.All(points.Zip(points.Skip(1)), p => Assert.True(p.Second.Y - p.First.Y <= 1.0 / 199 + 1.0 / 100_000)); // one rank of rounding
    }

    [Fact]
    public void Cdf_NoFiniteValue_Empty()
        => Assert.Empty(Cdf.Of([double.NaN, double.PositiveInfinity]));

    [Fact]
    public void Downsample_FewerPointsThanTheBound_Unchanged()
    {
        ChartPoint[] points = [new(0, 1), new(1, 5), new(2, 3)];

        Assert.Equal(points, Downsample.MinMax(points, 10));
    }

    [Fact]
    public void Downsample_ManyPoints_BoundedKeepsEndsAndTheSpike()
    {
        var points = Enumerable.Range(0, 100_000).Select(i => new ChartPoint(i, i == 54_321 ? 1_000 : Math.Sin(i / 1000.0))).ToList();

        var kept = Downsample.MinMax(points, 500);

        Assert.InRange(kept.Length, 4, 500);
        Assert.Equal(points[0], kept[0]);
        Assert.Equal(points[^1], kept[^1]);
        Assert.Contains(new ChartPoint(54_321, 1_000), kept);
        Assert.All(kept.Zip(kept.Skip(1)), p => Assert.True(p.Second.X > p.First.X));
    }

    [Theory]
    [InlineData(0, 97, new double[] { 0, 20, 40, 60, 80, 100 })]
    [InlineData(0, 1, new double[] { 0, 0.2, 0.4, 0.6, 0.8, 1 })]
    [InlineData(3, 3, new double[] { 0, 1, 2, 3 })]
    [InlineData(-12, 7, new double[] { -15, -10, -5, 0, 5, 10 })]
    public void Ticks_Linear_RoundStepsCoveringTheRange(double min, double max, double[] expected)
        => Assert.Equal(expected, AxisTicks.Linear(min, max));

    [Fact]
    public void Ticks_LogOverManyDecades_PowersOfTen()
        => Assert.Equal([0.1, 1, 10, 100, 1000, 10_000], AxisTicks.Log(0.3, 9_000));

    [Fact]
    public void Ticks_LogOverFewDecades_OneTwoFive()
        => Assert.Equal([1, 2, 5, 10, 20, 50, 100], AxisTicks.Log(3, 60));

    [Theory]
    [InlineData(0.25, "0.25")]
    [InlineData(1500, "1500")]
    [InlineData(20_000, "20k")]
    [InlineData(3_000_000, "3M")]
    public void Ticks_Label_Short(double value, string expected) => Assert.Equal(expected, AxisTicks.Label(value));

    [Fact]
    public void SvgChart_TwoSeries_APathEachWithItsPointsAndNoExternalReference()
    {
        var chart = new Chart("Sojourn <CDF>", "ms", "share", [
            new ChartSeries("short", Cdf.Of([1, 2, 3])),
            new ChartSeries("long", [new(100, 0.5), new(200, 1)], SeriesShape.Step)], Kind: "cdf", LogX: true, YMax: 1);

        var svg = SvgChart.Render(chart);

        Assert.Contains("""data-kind="cdf" """, svg);
        Assert.Contains("""data-series="short" data-points="3" d="M""", svg);
        Assert.Contains("""data-series="long" data-points="2" d="M""", svg);
        Assert.Contains(" H", svg); // the step series
        Assert.Contains("Sojourn &lt;CDF&gt;", svg);
        Assert.DoesNotContain("http://", svg.Replace("http://www.w3.org/2000/svg", ""));
    }

    [Fact]
    public void HtmlReport_Rendered_OnePageWithNothingToFetch()
    {
        var html = new HtmlReport("a & b").Heading("h").Paragraph("p").Table("t", ["x"], [["1"]])
            .Add(new Chart("c", "x", "y", [new ChartSeries("s", [new(0, 0), new(1, 1)])])).Render();

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<title>a &amp; b</title>", html);
        Assert.Contains("""<table id="t">""", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("src=", html);
    }
}
