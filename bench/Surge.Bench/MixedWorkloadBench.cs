using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Surge.Client;
using Surge.Hosting;
using Surge.Replay;

namespace Surge.Bench;

/// <summary>
/// Replays one mixed workload in the four routing modes, each on a fresh embedded silo with 8 slots, and compares:
/// short-task p99 of <c>predicted</c> against <c>oracle</c>, long-task p99 and makespan against <c>single</c>.
/// </summary>
internal static class MixedWorkloadBench
{
    private static readonly string[] Modes = ["single", "type", "predicted", "oracle"];

    public static async Task RunAsync(string[] args)
    {
        var path = BenchCli.Option(args, "workload", "") is { Length: > 0 } given ? given : Workloads.Generate("mixed", int.Parse(BenchCli.Option(args, "n", "3000")));
        var workload = WorkloadReader.Read(path);
        var reports = new Dictionary<string, ReplayReport>();
        foreach (var mode in Modes)
        {
            reports[mode] = await ReplayAsync(mode, workload, Path.GetFileName(path));
            Console.WriteLine(reports[mode].ToJson());
        }
        var (p, o, s) = (reports["predicted"], reports["oracle"], reports["single"]);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "mixed",
            predicted_vs_oracle_short_p99 = Ratio(p.Short.P99Ms, o.Short.P99Ms),
            predicted_vs_single_long_p99 = Ratio(p.Long.P99Ms, s.Long.P99Ms),
            predicted_vs_single_makespan = Ratio(p.MakespanS, s.MakespanS),
            type_vs_oracle_short_p99 = Ratio(reports["type"].Short.P99Ms, o.Short.P99Ms),
            goal = "short p99 <= 1.2x oracle; long p99 and makespan <= 1.1x single",
        }));
    }

    private static double Ratio(double a, double b) => b == 0 ? double.NaN : Math.Round(a / b, 3);

    private static async Task<ReplayReport> ReplayAsync(string mode, IReadOnlyList<WorkloadTask> workload, string name)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [$"--Surge:Routing:Mode={mode}", "--Surge:Workers:MaxConcurrency=8", "--Surge:Ports:Http=0"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.AddFilter(null, LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout is for JSON
        builder.AddSurgeSilo();
        builder.Services.AddSurgeClient();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var report = await ReplayRun.RunAsync(host.Services.GetRequiredService<ISurgeClient>(), workload, name, new ReplayOptions(), null, CancellationToken.None);
            return report with { Mode = mode };
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
