using System.Net;
using Surge.Pools;

namespace Surge.Tests;

/// <summary>
/// A dispatch batch runs only on the silo its records name: the stateless classifier and pool grains are placed on
/// another silo when the caller's is stopping or counts itself dead, and must refuse what lands there.
/// </summary>
public class HereOnlyTests
{
    private sealed class LocalSilo(int port) : ILocalSiloDetails
    {
        public string Name => "s";
        public string ClusterId => "c";
        public string DnsHostName => "localhost";
        public SiloAddress SiloAddress { get; } = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 7);
        public SiloAddress GatewayAddress => SiloAddress;
    }

    [Fact]
    public void Check_BatchForAnotherSilo_RefusedAsUnavailableNamingBoth()
    {
        var here = new LocalSilo(11111);
        var there = new LocalSilo(22222).SiloAddress.ToParsableString();

        var refused = Assert.Throws<SiloUnavailableException>(() => HereOnly.Check(there, here));
        Assert.Contains(there, refused.Message);
        Assert.Contains(here.SiloAddress.ToParsableString(), refused.Message);
    }

    [Fact]
    public void Check_BatchForThisSiloOrFromAnOlderShard_Taken()
    {
        var here = new LocalSilo(11111);
        HereOnly.Check(here.SiloAddress.ToParsableString(), here);
        HereOnly.Check(null, here); // older shards name no silo
    }
}
