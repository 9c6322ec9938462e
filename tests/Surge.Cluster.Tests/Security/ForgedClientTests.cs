using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge.Client;
using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Security;

/// <summary>
/// Issue 19's attack, as it was run: a client assembly named like the silos' own (tests/Surge.Forged) declaring their
/// internal interfaces, against a real silo process, aimed at another client's running task.
/// </summary>
[Collection("silo-process")]
public sealed partial class ForgedClientTests(SiloProcessFixture silo)
{
    private static readonly string[] Interfaces =
    [
        "IEventShard", "ITaskShardLifecycle", "IEntityShardGrain", "IPoolControl", "IPoolGrain", "IClassifierGrain", "ICapGrain",
        "IPredictorControl", "IResultCacheGrain", "IWaveEntityGrain", "ISystemTaskShard", "IScheduledWaveStart", "IScheduleIndexGrain", "IWaveIndexGrain",
        "IWaveProgress", "IAutoscaleReporting",
    ];

    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task InternalInterfaces_FromForgedSurgeGrainsClient_RefusedCountedAndTaskUnharmed()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddFilter(null, LogLevel.Critical);
        builder.UseOrleansClient(c => c.AddSurgeClient(o => o.Gateways = [silo.Gateway]));
        using var host = builder.Build();
        await host.StartAsync();
        var surge = host.Services.GetRequiredService<ISurgeClient>();
        var victim = await surge.SubmitAsync(TaskSpec.Create("simulate", "{\"duration_ms\":1500}"));
        await Repo.WaitForPortAsync(silo.HttpPort, TimeSpan.FromSeconds(30), "the silo's HTTP", () => null);
        var before = Denied(await _http.GetStringAsync("/metrics"));

        using var forged = await ChildProcess.RunDotnetAsync(Repo.ForgedDll, TimeSpan.FromSeconds(60), silo.GatewayPort.ToString(), victim.Id);

        Assert.True(forged.ExitCode == 0, $"a forged call was not refused:\n{forged.Stdout}\n{forged.Stderr}");
        Assert.DoesNotContain("ALLOWED", forged.Stdout);
        await Eventually.TrueAsync(async () =>
        {
            var after = Denied(await _http.GetStringAsync("/metrics"));
            return Interfaces.All(i => after.GetValueOrDefault(i) > before.GetValueOrDefault(i));
        }, "surge_access_denied_total to count a refusal of every internal interface, one-way calls included", TimeSpan.FromSeconds(30));
        var final = await surge.WaitAsync(victim.Id, TimeSpan.FromSeconds(30));
        Assert.Equal(TaskState.Succeeded, final.State); // the forged expiry did not fail it
        await host.StopAsync();
    }

    private static Dictionary<string, double> Denied(string metrics)
        => DeniedLine().Matches(metrics).GroupBy(m => m.Groups["interface"].Value).ToDictionary(g => g.Key, g => g.Sum(m => double.Parse(m.Groups["value"].Value)));

    [GeneratedRegex("""^surge_access_denied_total\{[^}]*interface="(?<interface>[^"]+)"[^}]*\} (?<value>[0-9.e+]+)""", RegexOptions.Multiline)]
    private static partial Regex DeniedLine();
}
