using Surge.Client;

namespace Surge.Tests;

public class WaitPacingTests
{
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(5000.0)]
    [InlineData(2500.0)] // half of what it asked for: a wait that lasted, not a shard answering at once
    public void Next_UnfinishedAfterItsSlice_AsksAgainAtOnce(double tookMs)
        => Assert.Equal(TimeSpan.Zero, WaitPacing.Next(Slice, TimeSpan.FromMilliseconds(tookMs), WaitPacing.MaxPause));

    [Fact]
    public void Next_EarlyAnswers_PausesGrowToTheCap()
    {
        var pauses = new List<TimeSpan>();
        var pause = TimeSpan.Zero;
        for (var i = 0; i < 6; i++) pauses.Add(pause = WaitPacing.Next(Slice, TimeSpan.FromMilliseconds(1), pause));

        Assert.Equal([50, 100, 200, 400, 500, 500], pauses.Select(p => p.TotalMilliseconds));
    }

    [Fact]
    public void Next_EarlyAnswerAfterOneThatLasted_StartsAgainFromTheFirstPause()
    {
        var lasted = WaitPacing.Next(Slice, Slice, WaitPacing.MaxPause);

        Assert.Equal(WaitPacing.FirstPause, WaitPacing.Next(Slice, TimeSpan.Zero, lasted));
    }

    [Fact]
    public void Next_ZeroSliceNearItsDeadline_NeverEarly()
        => Assert.Equal(TimeSpan.Zero, WaitPacing.Next(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero));
}
