using Surge.Caps;

namespace Surge.Tests;

public class StartTokensTests
{
    private const long F = 1_000; // timestamp ticks per second
    private const long Tick = F / 20; // the lease keepers sync every 50 ms

    // Asks for one start at every keeper tick for the given time; returns the starts granted.
    private static int AskEveryTick(StartTokens tokens, double rate, TimeSpan span, int wanted = 1, int others = 0)
    {
        var granted = 0;
        for (long now = Tick; now <= (long)(span.TotalSeconds * F); now += Tick)
        {
            granted += tokens.Take(now, wanted, others);
            Assert.True(granted <= rate * now / F + 1, $"{granted} starts granted after {now} ms at {rate} a second");
        }
        return granted;
    }

    // The policy accepts any rate above 0: under one a second, a start every 1/rate seconds (the bucket still holds a whole one).
    [Fact]
    public void Take_RateUnderOnePerSecond_GrantsAStartEveryFewSeconds()
    {
        var granted = AskEveryTick(new StartTokens(0.5, 0, F), 0.5, TimeSpan.FromSeconds(60));
        Assert.InRange(granted, 29, 30);
    }

    [Fact]
    public void Take_RateUnderOnePerSecondAfterLongIdle_BurstsOneStart()
    {
        var tokens = new StartTokens(0.25, 0, F);
        Assert.Equal(1, tokens.Take(600 * F, 100, 0));
        Assert.Equal(0, tokens.Take(600 * F + 1, 100, 0));
    }

    [Fact]
    public void Take_FivePerSecond_GrantsTheRateAndAtMostASecondsBurst()
    {
        Assert.Equal(300, AskEveryTick(new StartTokens(5, 0, F), 5, TimeSpan.FromSeconds(60), wanted: 100));
        var idle = new StartTokens(5, 0, F);
        Assert.Equal(5, idle.Take(10 * F, 100, 0)); // ten idle seconds still burst only a second's worth
        Assert.Equal(0, idle.Take(10 * F, 100, 0));
    }

    [Fact]
    public void Take_OthersWantingStarts_GetsAnEvenShare()
    {
        var tokens = new StartTokens(5, 0, F);
        Assert.Equal(2, tokens.Take(F, 100, others: 1)); // 5 tokens, two silos: 2 now, the rest left for the other
        Assert.Equal(3, tokens.Take(F, 100, others: 0));
    }

    [Fact]
    public void Take_NothingWanted_GrantsNothingAndKeepsTheTokens()
    {
        var tokens = new StartTokens(5, 0, F);
        Assert.Equal(0, tokens.Take(F, 0, 0));
        Assert.Equal(5, tokens.Take(F, 10, 0));
    }
}
