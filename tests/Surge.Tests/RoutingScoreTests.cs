using Surge.Telemetry;

namespace Surge.Tests;

public class RoutingScoreTests
{
    [Fact]
    public void Accuracy_NothingRecorded_Null() => Assert.Null(new RoutingScore().Accuracy);

    [Fact]
    public void Accuracy_ThreeOfFour_SeventyFivePercent()
    {
        var score = new RoutingScore();
        foreach (var correct in new[] { true, true, false, true }) score.Record(correct);
        Assert.Equal(0.75, score.Accuracy);
    }

    [Fact]
    public void Accuracy_MoreThanTheWindow_OnlyTheLastWindowCounts()
    {
        var score = new RoutingScore();
        for (var i = 0; i < RoutingScore.Window; i++) score.Record(false);
        for (var i = 0; i < RoutingScore.Window / 2; i++) score.Record(true);
        Assert.Equal(0.5, score.Accuracy);
    }
}
