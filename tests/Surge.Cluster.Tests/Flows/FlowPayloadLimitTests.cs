using Surge.Flows;

namespace Surge.Cluster.Tests.Flows;

/// <summary>
/// A flow's steps are submitted as tasks, which a silo checks against its own payload limit
/// (<c>Surge:Workers:MaxPayloadBytes</c>): the flow is checked against the same limit where it is registered, not
/// against the default, so a step the silo would refuse at every wave is refused once, at registration.
/// </summary>
public class FlowPayloadLimitTests : IAsyncLifetime
{
    private const int Limit = 4096;
    private SurgeCluster _surge = null!;

    public async Task InitializeAsync() => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        ["Surge:Autoscale:Enabled"] = "false",
        ["Surge:Workers:MaxPayloadBytes"] = $"{Limit}",
    });

    public async Task DisposeAsync() => await _surge.DisposeAsync();

    [Fact]
    public async Task Register_StepPayloadOverTheSilosConfiguredLimit_RefusedNamingTheSetting()
    {
        var payload = $$"""{"blob":"{{new string('x', Limit)}}"}"""; // under the default 1 MiB the client checks
        var flow = new FlowBuilder("big-step").Task("load", "simulate", "v1", output: "raw", payload: payload).Build();

        var refused = await Assert.ThrowsAsync<SurgeValidationException>(() => _surge.Flows.RegisterAsync(flow));

        Assert.Equal("load.payload", refused.Field);
        Assert.Contains($"over the limit of {Limit} bytes", refused.Message);
        Assert.Contains("Surge:Workers:MaxPayloadBytes", refused.Message);
    }
}
