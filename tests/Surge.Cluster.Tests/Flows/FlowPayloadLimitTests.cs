using Surge.Flows;

namespace Surge.Cluster.Tests.Flows;

/// <summary>
/// A flow's steps are submitted as tasks, which a silo checks against its own payload limit
/// (<c>Surge:Workers:MaxPayloadBytes</c>): the flow is checked against the same limit where it is registered, not
/// against the default, so a step the silo would refuse at every wave is refused once, at registration. So are a step
/// whose type has no handler and one whose payload its handler refuses.
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

    // Registered before, and then every step of every wave failed, the reason only in each step's record.
    [Theory]
    [InlineData("no-such-type", "{}", "load.type", "no handler is registered")]
    [InlineData("simulate", """{"duration_ms":1e12}""", "load.payload.duration_ms", "over the limit")]
    public async Task Register_StepTheSilosWouldRefuse_RefusedNamingTheStepsField(string type, string payload, string field, string why)
    {
        var flow = new FlowBuilder($"refused-{Guid.NewGuid():N}"[..20]).Task("load", type, "v1", output: "raw", payload: payload).Build();
        var refused = await Assert.ThrowsAsync<SurgeValidationException>(() => _surge.Flows.RegisterAsync(flow));
        Assert.Equal(field, refused.Field);
        Assert.Contains(why, refused.Message);
        Assert.StartsWith($"{field}: ", refused.Message);
    }

    // Sent in batches of EntityKeys.MaxPerCall, each stored as it came: the first ten of 150,000 keys were stored, and
    // the refusal did not say so.
    [Fact]
    public async Task AddToState_MoreKeysThanAStateHolds_RefusedBeforeAnyIsAdded()
    {
        var state = $"big-{Guid.NewGuid():N}"[..20];
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() =>
            _surge.Flows.AddToStateAsync(state, Enumerable.Range(0, EntityKeys.MaxPerState + 1).Select(i => $"k{i}")));
        Assert.Equal("entities", e.Field);
        Assert.Empty(await _surge.Flows.ListStateAsync(state, 0, 10));
    }

    [Fact]
    public async Task AddToState_PastTheBoundWithTheStatesOwnKeys_SaysHowManyWereAdded()
    {
        var state = $"full-{Guid.NewGuid():N}"[..20];
        var before = EntityKeys.MaxPerState - EntityKeys.MaxPerCall - 5;
        await _surge.Flows.AddToStateAsync(state, Enumerable.Range(0, before).Select(i => $"old{i}"));
        var e = await Assert.ThrowsAsync<SurgeValidationException>(() =>
            _surge.Flows.AddToStateAsync(state, Enumerable.Range(0, 2 * EntityKeys.MaxPerCall).Select(i => $"new{i}")));
        Assert.Contains($"the first {EntityKeys.MaxPerCall} keys given were added before it: the state holds {before + EntityKeys.MaxPerCall}", e.Message);
    }

    // A wave by hand over a state with no entities (a misspelt name) was "done" at once having run nothing.
    [Fact]
    public async Task StartWave_StateWithNoEntities_RefusedNamingTheState()
    {
        await _surge.Flows.RegisterAsync(new FlowBuilder("tiny").Task("load", "simulate", "v1", output: "raw").Build());
        var refused = await Assert.ThrowsAsync<SurgeValidationException>(() => _surge.Flows.StartWaveAsync(new WaveRequest("tiny", "no-such-state")));
        Assert.Equal("state", refused.Field);
    }
}
