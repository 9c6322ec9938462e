using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge.Client;
using Surge.Flows;

namespace Surge.Cluster.Tests.Processes;

/// <summary>A wave's progress where operators look: <c>/api/status</c> and <c>/metrics</c> of a real silo process.</summary>
[Collection("silo-process")]
public class WaveStatusTests(SiloProcessFixture silo)
{
    [Fact]
    public async Task Wave_Run_ShownInApiStatusAndMetrics()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(c => c.AddSurgeClient(o => o.Gateways = [silo.Gateway]));
        using var host = builder.Build();
        await host.StartAsync();
        var flows = host.Services.GetRequiredService<ISurgeFlows>();
        var name = $"status-{Guid.NewGuid().ToString("N")[..8]}";
        await flows.RegisterAsync(new FlowBuilder(name)
            .Task("first", "simulate", "v1", output: $"{name}-a", payload: """{"duration_ms": 5}""")
            .Task("second", "simulate", "v1", output: $"{name}-b", inputs: [$"{name}-a"]).Build());
        await flows.AddToStateAsync(name, ["w-1", "w-2", "w-3"]);

        var wave = (await flows.StartWaveAsync(new WaveRequest(name, name))).Wave;
        Assert.True((await flows.WaitWaveAsync(wave, TimeSpan.FromSeconds(60))).IsDone);

        using var http = silo.Http();
        using var status = JsonDocument.Parse(await http.GetStringAsync("/api/status"));
        var shown = status.RootElement.GetProperty("waves").EnumerateArray().Single(w => w.GetProperty("wave").GetString() == wave);
        Assert.Equal((name, 3, 6, 0), (shown.GetProperty("flow").GetString(), shown.GetProperty("entities_done").GetInt32(),
            shown.GetProperty("finished").GetInt32(), shown.GetProperty("failed").GetInt32()));
        var metrics = await http.GetStringAsync("/metrics");
        var line = Assert.Single(metrics.Split('\n'), l => l.StartsWith("surge_wave_tasks{", StringComparison.Ordinal)
            && l.Contains($"flow=\"{name}\"") && l.Contains("task=\"second\"") && l.Contains("status=\"finished\""));
        Assert.EndsWith(" 3", line); // 3 entities
        await host.StopAsync();
    }
}
