using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Pools;

namespace Surge.Cluster.Tests;

/// <summary>
/// A silo that drains tells the others, so that none places anything on it until it stops: also a silo that joins
/// while it drains (a scale-up during a rolling restart), which was not there to hear the first notice.
/// </summary>
public class DrainNoticeTests
{
    [Fact]
    public async Task TellAsync_ASiloJoinsWhileItDrains_ThatSiloHearsToo()
    {
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string> { ["Surge:Autoscale:Enabled"] = "false" }, b => b.Options.InitialSilosCount = 2);
        var (staying, drainer) = ((InProcessSiloHandle)surge.Cluster.Silos[0], (InProcessSiloHandle)surge.Cluster.Silos[1]);
        await Eventually.TrueAsync(() => Active(drainer) == 2, "the drainer seeing both silos active");

        await drainer.SiloHost.Services.GetRequiredService<DrainNotice>().TellAsync(TimeSpan.FromMinutes(10));
        await Eventually.TrueAsync(() => Heard(staying, drainer), "the silo active as the drain started hearing of it");
        var joined = (InProcessSiloHandle)await surge.Cluster.StartAdditionalSiloAsync();

        await Eventually.TrueAsync(() => Heard(joined, drainer), "the silo that joined during the drain hearing of it");
    }

    private static int Active(InProcessSiloHandle silo)
        => Membership(silo).Members.Values.Count(m => m.Status == SiloStatus.Active);

    private static bool Heard(InProcessSiloHandle silo, InProcessSiloHandle drainer)
        => silo.SiloHost.Services.GetRequiredService<DrainingSilos>().Drains(drainer.SiloAddress, Membership(silo));

    private static ClusterMembershipSnapshot Membership(InProcessSiloHandle silo)
        => silo.SiloHost.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot;
}
