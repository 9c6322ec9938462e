using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Surge.Tasks;

namespace Surge.Tests;

/// <summary>Which silos shard placement may choose while one drains: the others, with the shards each had.</summary>
public class DrainingSilosTests
{
    private static readonly SiloAddress A = Silo(11111), B = Silo(22222), C = Silo(33333);
    private static readonly TimeSpan StopsWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public void Eligible_NoneDrains_EveryCandidate()
    {
        var draining = new DrainingSilos(new FakeTimeProvider());

        Assert.Equal([A, B, C], draining.Eligible([A, B, C], Snapshot((A, SiloStatus.Active), (B, SiloStatus.Active), (C, SiloStatus.Active))));
    }

    // Rendezvous among the rest: the draining silo's shards spread over the others, and no other shard moves.
    [Fact]
    public void Eligible_OneDrains_ItsShardsGoElsewhereAndNoOtherShardMoves()
    {
        var draining = new DrainingSilos(new FakeTimeProvider());
        var membership = Snapshot((A, SiloStatus.Active), (B, SiloStatus.Active), (C, SiloStatus.Active));
        var before = Place([A, B, C]);

        draining.Heard(A, StopsWithin);
        var eligible = draining.Eligible([A, B, C], membership);
        var after = Place(eligible);

        Assert.Equal([B, C], eligible);
        Assert.DoesNotContain(A, after.Values);
        var moved = before.Keys.Where(s => !before[s].Equals(after[s])).ToList();
        Assert.All(moved, s => Assert.Equal(A, before[s]));
        Assert.Equal(before.Values.Count(s => s.Equals(A)), moved.Count);
        Assert.True(draining.Drains(A, membership));
        Assert.False(draining.Drains(B, membership));
    }

    // What lets placement skip the wrapping: true until a drain is heard, and again once the drainer is forgotten.
    [Fact]
    public void None_HeardThenLeft_TrueOnceForgotten()
    {
        var draining = new DrainingSilos(new FakeTimeProvider());
        Assert.True(draining.None);

        draining.Heard(A, StopsWithin);
        Assert.False(draining.None);
        draining.Eligible([A, B], Snapshot((A, SiloStatus.Dead), (B, SiloStatus.Active)));

        Assert.True(draining.None);
    }

    [Fact]
    public void Eligible_EveryCandidateDrains_EveryCandidate()
    {
        var draining = new DrainingSilos(new FakeTimeProvider());
        draining.Heard(A, StopsWithin);
        draining.Heard(B, StopsWithin);

        Assert.Equal([A, B], draining.Eligible([A, B], Snapshot((A, SiloStatus.Active), (B, SiloStatus.Active))));
    }

    [Theory]
    [InlineData(SiloStatus.ShuttingDown)]
    [InlineData(SiloStatus.Stopping)]
    [InlineData(SiloStatus.Dead)]
    public void Drains_MembershipNoLongerListsItActive_Forgotten(SiloStatus status)
    {
        var draining = new DrainingSilos(new FakeTimeProvider());
        draining.Heard(A, StopsWithin);

        Assert.False(draining.Drains(A, Snapshot((A, status), (B, SiloStatus.Active))));
        Assert.False(draining.Drains(A, Snapshot((A, SiloStatus.Active), (B, SiloStatus.Active))), "forgotten, not only hidden");
    }

    // Still listed active past its stop timeout and the margin: it ended itself (or was killed) and membership has not
    // caught up; a silo that drains never comes back under the same address.
    [Fact]
    public void Drains_StopTimeoutAndMarginPassed_Forgotten()
    {
        var time = new FakeTimeProvider();
        var draining = new DrainingSilos(time);
        var membership = Snapshot((A, SiloStatus.Active), (B, SiloStatus.Active));
        draining.Heard(A, StopsWithin);

        time.Advance(StopsWithin + DrainingSilos.Margin);
        Assert.True(draining.Drains(A, membership));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(draining.Drains(A, membership));
        Assert.Equal([A, B], draining.Eligible([A, B], membership));
    }

    // This silo heard the drain before its view of membership listed the drainer (it lags): kept, not forgotten at once.
    [Fact]
    public void Drains_NotYetInThisSilosMembership_Remembered()
    {
        var draining = new DrainingSilos(new FakeTimeProvider());
        draining.Heard(C, StopsWithin);

        Assert.True(draining.Drains(C, Snapshot((A, SiloStatus.Active), (B, SiloStatus.Active))));
        Assert.Equal([A, B], draining.Eligible([A, B, C], Snapshot((A, SiloStatus.Active), (B, SiloStatus.Active), (C, SiloStatus.Active))));
    }

    private static Dictionary<int, SiloAddress> Place(IReadOnlyCollection<SiloAddress> silos)
        => Enumerable.Range(0, TaskShards.Count).ToDictionary(s => s, s => ShardPlacement.Pick(s, silos)!);

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    private static ClusterMembershipSnapshot Snapshot(params (SiloAddress Silo, SiloStatus Status)[] members)
        => new(members.ToImmutableDictionary(m => m.Silo, m => new ClusterMember(m.Silo, m.Status, $"silo-{m.Silo.Endpoint.Port}")), new MembershipVersion(1));
}
