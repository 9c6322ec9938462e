namespace Surge.Tests;

public class PercentilesTests
{
    [Theory]
    [InlineData(new double[] { }, 0.99, 0)]
    [InlineData(new double[] { 7 }, 0.5, 7)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0, 1)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.25, 1)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.26, 2)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.5, 2)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.75, 3)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.99, 4)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 1, 4)]
    [InlineData(new double[] { 1, 2, 3, 4, 5 }, 0.5, 3)]
    public void NearestRank_SortedSamples_IsTheSampleAtRankCeilingQTimesN(double[] sorted, double q, double expected)
        => Assert.Equal(expected, Percentiles.NearestRank<double>(sorted, q));

    [Theory]
    [InlineData(0.07, 7)]   // 0.07 · 100 is 7.000000000000001 in doubles: still rank 7
    [InlineData(0.95, 95)]
    [InlineData(0.99, 99)]
    [InlineData(0.999, 100)]
    public void NearestRank_HundredSamples_FloatingPointNoiseDoesNotSkipARank(double q, double expected)
    {
        var sorted = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        Assert.Equal(expected, Percentiles.NearestRank<double>(sorted, q));
    }

    [Fact]
    public void Of_UnsortedSamples_SortsACopy()
    {
        List<double> samples = [5, 1, 4, 2, 3];
        Assert.Equal(5, Percentiles.Of(samples, 0.99));
        Assert.Equal(3, Percentiles.Of(samples, 0.5));
        Assert.Equal([5, 1, 4, 2, 3], samples);
    }

    [Fact]
    public void Of_Integers_WorksForAnyComparable() => Assert.Equal(20, Percentiles.Of([30, 10, 20], 0.5));

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void NearestRank_QuantileOutsideZeroToOne_Throws(double q)
        => Assert.ThrowsAny<ArgumentOutOfRangeException>(() => Percentiles.NearestRank<double>([1, 2], q));
}
