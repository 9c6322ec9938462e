using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Codecs;
using Polly.Timeout;
using Surge.Client;
using Surge.Hosting;

namespace Surge.Tests;

/// <summary>
/// While a silo is cut off from the others, Orleans' placement of a grain can give up with a
/// <see cref="TimeoutException"/> around Polly's <see cref="TimeoutRejectedException"/>. Orleans serializes exceptions
/// of a few namespaces only, so that answer reached the client as "Could not find a codec for type
/// Polly.Timeout.TimeoutRejectedException", which it did not take for a failover: every refusal of
/// <c>bench chaos --partitions</c> (96 during partitions, 34 during Redis cuts, seed 1) was that.
/// </summary>
public class PlacementTimeoutSerializationTests
{
    private static TimeoutException PlacementTimedOut()
        => new("Grain placement operation timed out for grain taskshard/8C.", new TimeoutRejectedException("The operation didn't complete within the allowed timeout of '00:00:30'."));

    private static Serializer SiloSerializer(bool surge)
    {
        var services = new ServiceCollection();
        services.AddSerializer();
        if (surge) services.AddSurgeWorkers();
        return services.BuildServiceProvider().GetRequiredService<Serializer>();
    }

    [Fact]
    public void Serialize_PlacementTimeoutWithoutSurge_HasNoCodec()
        => Assert.Throws<CodecNotFoundException>(() => SiloSerializer(surge: false).SerializeToArray<Exception>(PlacementTimedOut()));

    [Fact]
    public void Serialize_PlacementTimeoutFromASurgeSilo_ClientReadsATimeoutItRidesOut()
    {
        var bytes = SiloSerializer(surge: true).SerializeToArray<Exception>(PlacementTimedOut());

        var builder = Host.CreateApplicationBuilder(["--Surge:Client:Gateways:0=127.0.0.1:30000"]);
        builder.UseOrleansClient(c => c.AddSurgeClient());
        using var host = builder.Build();
        var read = host.Services.GetRequiredService<Serializer>().Deserialize<Exception>(bytes);

        var timeout = Assert.IsType<TimeoutException>(read);
        Assert.Equal(PlacementTimedOut().Message, timeout.Message);
        Assert.IsType<TimeoutRejectedException>(timeout.InnerException); // a TimeoutException: the client rides it out as a failover
    }
}
