using Microsoft.Extensions.Configuration;
using Surge.Routing;
using Surge.Silos;

namespace Surge.Tests;

/// <summary>A silo's group as configured, as it tells the cluster (silo metadata), and its stop on a spot reclaim.</summary>
public class SiloGroupTests
{
    [Fact]
    public void Metadata_PoolsFromConfiguration_ListsExactlyThePoolsTheSiloHosts()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Surge:Silo:Group"] = "short", ["Surge:Silo:Pools:0"] = "Short",
        }).Build();
        var metadata = SiloGroupMetadata.Of(configuration);
        Assert.Equal("short", metadata[PoolHosts.GroupKey]);
        Assert.True(PoolHosts.Hosts(metadata, PoolKind.Short));
        Assert.False(PoolHosts.Hosts(metadata, PoolKind.Long));
    }

    [Fact]
    public void Metadata_DefaultGroup_HostsEveryPool()
    {
        var metadata = SiloGroupMetadata.Of(new SiloGroupOptions());
        Assert.All(Enum.GetValues<PoolKind>(), pool => Assert.True(PoolHosts.Hosts(metadata, pool)));
    }

    [Fact]
    public void Hosts_MetadataNotFetchedYet_HostsNothing()
        => Assert.False(PoolHosts.Hosts(new Dictionary<string, string>(), PoolKind.Short));

    [Fact]
    public void StopTimeout_Interruptible_IsTheReclaimNoticeNotTheDrainTimeout()
    {
        Assert.Equal(TimeSpan.FromSeconds(110), new SiloGroupOptions { Interruptible = true }.StopTimeout(TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(30), new SiloGroupOptions().StopTimeout(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Validate_ReclaimNoticeOutOfRange_NamesKeyAndFix()
    {
        var result = new SiloGroupOptionsValidator().Validate(null, new SiloGroupOptions { ReclaimNotice = TimeSpan.FromMinutes(11) });
        Assert.Contains(result.Failures!, f => f.Contains("Surge:Silo:ReclaimNotice is 00:11:00") && f.Contains("set 00:00:01 to 00:10:00"));
    }
}
