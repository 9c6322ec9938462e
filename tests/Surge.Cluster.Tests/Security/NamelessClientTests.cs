using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Surge.Client;

namespace Surge.Cluster.Tests.Security;

/// <summary>
/// Security on with <c>Surge:Security:DefaultRole</c> Submit and no TLS: the test cluster's own client opens no session,
/// so it is a client without any identity. It reads the tasks nameless clients submitted, as documented, and never
/// one the silos submitted themselves.
/// </summary>
public sealed class NamelessClientTests
{
    [Fact]
    public async Task GetStatus_OfASystemTaskAsNamelessSubmitter_RefusedNamingOperate()
    {
        await using var surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
        {
            ["Surge:Security:Enabled"] = "true",
            ["Surge:Security:DefaultRole"] = "Submit",
            ["Surge:Autoscale:Enabled"] = "false",
        });
        var own = await surge.Client.RunAsync(TaskSpec.Create("simulate", "{\"duration_ms\":1}"), TimeSpan.FromSeconds(30));
        Assert.Null(own.Submitter);
        Assert.Equal(TaskState.Succeeded, (await surge.Client.GetStatusAsync(own.Id))!.State);

        // As a schedule submits its instant: from a silo, through the internal shard interface, with no submitter.
        var silo = ((InProcessSiloHandle)surge.Cluster.Primary!).SiloHost.Services.GetRequiredService<IGrainFactory>();
        var id = $"schedule:nameless-{Guid.NewGuid():N}:manual:1";
        await silo.SystemShard(id).SubmitSystemAsync(TaskSpec.Create("simulate", "{\"duration_ms\":1}", id: id));

        Assert.Equal(SurgeRole.Operate, (await Assert.ThrowsAsync<SurgeAccessDeniedException>(() => surge.Client.GetStatusAsync(id))).Needed);
        Assert.Equal(SurgeRole.Operate, (await Assert.ThrowsAsync<SurgeAccessDeniedException>(() => surge.Client.WaitAsync(id, TimeSpan.FromSeconds(1)))).Needed);
    }
}
