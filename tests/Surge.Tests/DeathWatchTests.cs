using System.Collections.Immutable;
using System.Net;
using Surge.Background;

namespace Surge.Tests;

public class DeathWatchTests
{
    private static readonly SiloAddress A = Silo(11111), B = Silo(22222), C = Silo(33333);

    [Fact]
    public void Saw_FirstDeath_TrueAndItsVersionKept()
    {
        var watch = new DeathWatch();
        Assert.False(watch.Saw(Snapshot(3, (A, SiloStatus.Active), (B, SiloStatus.Active))));
        Assert.Equal(0, watch.LatestDeath);

        Assert.True(watch.Saw(Snapshot(5, (A, SiloStatus.Active), (B, SiloStatus.Dead))));
        Assert.Equal(5, watch.LatestDeath);
    }

    [Fact]
    public void Saw_SameDeadSiloInLaterSnapshots_FalseAndVersionUnchanged()
    {
        var watch = new DeathWatch();
        watch.Saw(Snapshot(5, (A, SiloStatus.Active), (B, SiloStatus.Dead)));

        Assert.False(watch.Saw(Snapshot(6, (A, SiloStatus.Active), (B, SiloStatus.Dead), (C, SiloStatus.Joining))));
        Assert.False(watch.Saw(Snapshot(7, (A, SiloStatus.Active), (B, SiloStatus.Dead), (C, SiloStatus.Active))));
        Assert.Equal(5, watch.LatestDeath);
    }

    [Fact]
    public void Saw_AnotherSiloDiesLater_TrueWithTheLaterVersion()
    {
        var watch = new DeathWatch();
        watch.Saw(Snapshot(5, (A, SiloStatus.Active), (B, SiloStatus.Dead), (C, SiloStatus.Active)));

        Assert.True(watch.Saw(Snapshot(9, (A, SiloStatus.Active), (B, SiloStatus.Dead), (C, SiloStatus.Dead))));
        Assert.Equal(9, watch.LatestDeath);
    }

    [Fact]
    public void Saw_StoppingOrShuttingDownSilo_NotADeath()
    {
        var watch = new DeathWatch();
        Assert.False(watch.Saw(Snapshot(4, (A, SiloStatus.Active), (B, SiloStatus.ShuttingDown), (C, SiloStatus.Stopping))));
        Assert.Equal(0, watch.LatestDeath);
    }

    private static SiloAddress Silo(int port) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1);

    private static ClusterMembershipSnapshot Snapshot(long version, params (SiloAddress Silo, SiloStatus Status)[] members)
        => new(members.ToImmutableDictionary(m => m.Silo, m => new ClusterMember(m.Silo, m.Status, $"silo-{m.Silo.Endpoint.Port}")), new MembershipVersion(version));
}
