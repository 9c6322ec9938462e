using Surge.Client;
using Surge.Flows;

namespace Surge.Cluster.Tests.Flows;

/// <summary>
/// A step whose inputs together pass <see cref="FlowStep.MaxInputBytes"/> (possible once a silo allows results of
/// 16 MiB): it fails, naming the limit, and the wave goes on and ends rather than wedging on it.
/// </summary>
public class WaveBoundsTests : IAsyncLifetime
{
    private const int Pipe = 9 * 1024 * 1024; // two of them: 18 MiB of inputs
    private SurgeCluster _surge = null!;

    public async Task InitializeAsync() => _surge = await SurgeCluster.StartAsync(new Dictionary<string, string>
    {
        ["Surge:Autoscale:Enabled"] = "false",
        ["Surge:Tasks:MaxResultBytes"] = $"{16 * 1024 * 1024}",
    });

    public async Task DisposeAsync() => await _surge.DisposeAsync();

    [Fact]
    public async Task Wave_StepInputsOverTheirTotal_StepFailsNamingTheLimitAndTheWaveEnds()
    {
        var flows = _surge.Flows;
        var flow = await flows.RegisterAsync(new FlowBuilder("heavy")
            .Task("left", BigResultHandler.TypeName, "v1", output: "heavy-l", payload: $$"""{"bytes": {{Pipe}}}""")
            .Task("right", BigResultHandler.TypeName, "v1", output: "heavy-r", payload: $$"""{"bytes": {{Pipe}}}""")
            .Task("join", FlowStepHandler.TypeName, "v1", output: "heavy-j", inputs: ["heavy-l", "heavy-r"])
            .Task("report", FlowStepHandler.TypeName, "v1", output: "heavy-report", inputs: ["heavy-j"])
            .Build());
        await flows.AddToStateAsync("heavy", ["h1"]);

        var wave = await flows.StartWaveAsync(new WaveRequest(flow.Name, "heavy", WaveId: "heavy-1"));
        var done = await flows.WaitWaveAsync(wave.Wave, TimeSpan.FromSeconds(60));

        Assert.True(done.IsDone, $"wedged: {string.Join("; ", done.Tasks)}");
        Assert.Equal((2, 1, 1), (done.Finished, done.Failed, done.Degraded)); // left and right; join refused; report degraded at once
        Assert.DoesNotContain(FlowStepHandler.Of(wave.Wave), r => r.Task == "join"); // refused before any handler saw it
        var report = Assert.Single(FlowStepHandler.Of(wave.Wave), r => r.Task == "report");
        Assert.Equal(["heavy-j"], report.Missing);
    }
}
