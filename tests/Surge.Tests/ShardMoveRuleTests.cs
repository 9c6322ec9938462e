using System.Net;
using Microsoft.Extensions.Time.Testing;
using Surge.Tasks;

namespace Surge.Tests;

/// <summary>When a shard with a backlog moves to a silo that joined (or came back): gently, and not while the store refuses.</summary>
public class ShardMoveRuleTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    [Fact]
    public void MayMoveBacklog_TargetJustActive_WaitsItsShareOfTheSpread()
    {
        foreach (var shard in new[] { 0, 17, 63, 64, 200, 255 })
        {
            var wait = ShardMoveRule.WaitFor(shard);
            Assert.False(ShardMoveRule.MayMoveBacklog(shard, TimeSpan.Zero, Long, null), $"shard {shard} moved to a silo just seen active");
            Assert.False(ShardMoveRule.MayMoveBacklog(shard, wait - TimeSpan.FromMilliseconds(1), Long, null), $"shard {shard} moved before its wait");
            Assert.True(ShardMoveRule.MayMoveBacklog(shard, wait, Long, null), $"shard {shard} did not move after its wait");
        }
    }

    // After a restart a third of 256 shards (or half, of two silos) move to the silo that came back: spread over 20 s,
    // not all activated there in the same second.
    [Fact]
    public void WaitFor_EveryShard_SpreadOverTwentySecondsAFewEachSecond()
    {
        var waits = Enumerable.Range(0, TaskShards.Count).Select(ShardMoveRule.WaitFor).ToList();
        Assert.Equal(ShardMoveRule.Settle, waits.Min());
        Assert.InRange(waits.Max(), ShardMoveRule.Settle + ShardMoveRule.Spread * 0.9, ShardMoveRule.Settle + ShardMoveRule.Spread);
        var busiestSecond = waits.GroupBy(w => (int)w.TotalSeconds).Max(g => g.Count());
        Assert.True(busiestSecond <= TaskShards.Count / 16, $"{busiestSecond} of {TaskShards.Count} shards wait the same whole second");
    }

    [Fact]
    public void MayMoveBacklog_StoreRefusedLately_StaysUntilItHasAnsweredForAWhile()
    {
        Assert.False(ShardMoveRule.MayMoveBacklog(3, Long, Long, TimeSpan.Zero));
        Assert.False(ShardMoveRule.MayMoveBacklog(3, Long, Long, ShardMoveRule.QuietAfterRefusal - TimeSpan.FromMilliseconds(1)));
        Assert.True(ShardMoveRule.MayMoveBacklog(3, Long, Long, ShardMoveRule.QuietAfterRefusal));
        Assert.False(ShardMoveRule.StoreQuiet(TimeSpan.FromSeconds(1))); // an idle shard too: its move would load nothing, and fail
        Assert.True(ShardMoveRule.StoreQuiet(null));
    }

    [Fact]
    public void MayMoveBacklog_ShardActivatedLately_StaysAtLeastMinStay()
    {
        Assert.False(ShardMoveRule.MayMoveBacklog(3, Long, TimeSpan.Zero, null)); // it just failed over, or just moved here
        Assert.False(ShardMoveRule.MayMoveBacklog(3, Long, ShardMoveRule.MinStay - TimeSpan.FromMilliseconds(1), null));
        Assert.True(ShardMoveRule.MayMoveBacklog(3, Long, ShardMoveRule.MinStay, null));
    }

    [Fact]
    public void ActiveFor_SiloSeenThenGoneThenBack_CountsFromWhenItWasLastFirstSeen()
    {
        var time = new FakeTimeProvider();
        var moves = new ShardMoves(time);
        var (here, joined) = (Silo(1), Silo(2));
        Assert.Equal(TimeSpan.Zero, moves.ActiveFor(joined, new HashSet<SiloAddress> { here, joined }));
        time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), moves.ActiveFor(joined, new HashSet<SiloAddress> { here, joined }));
        Assert.Equal(TimeSpan.Zero, moves.ActiveFor(joined, new HashSet<SiloAddress> { here })); // not active: never a target
        time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.Zero, moves.ActiveFor(joined, new HashSet<SiloAddress> { here, joined })); // back: seen anew
    }

    [Fact]
    public void SinceStoreRefused_RefusalOnTheClock_CountsFromTheLatest()
    {
        var time = new FakeTimeProvider();
        var moves = new ShardMoves(time);
        Assert.Null(moves.SinceStoreRefused);
        moves.StoreRefused();
        time.Advance(TimeSpan.FromSeconds(10));
        moves.StoreRefused();
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(4), moves.SinceStoreRefused);
    }
}
