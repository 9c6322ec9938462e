using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Surge.Client;
using Surge.Replay;

namespace Surge.Bench;

/// <summary>
/// Cluster mode's price: the same silo process on embedded defaults and on Redis (a redis-server started here, with
/// an append-only file fsynced every second), measured one after the other in one run: no-op task throughput and
/// the mixed workload's latencies.
/// </summary>
internal static class DurableBench
{
    public static async Task RunAsync(string[] args)
    {
        var tasks = int.Parse(BenchCli.Option(args, "tasks", "50000"));
        var window = int.Parse(BenchCli.Option(args, "window", "2000"));
        var mixed = WorkloadReader.Read(Workloads.Generate("mixed", int.Parse(BenchCli.Option(args, "n", "2000"))));

        var embedded = await MeasureAsync("embedded", [], tasks, window, mixed);
        var durable = await BenchRedis.WithAsync(settings => MeasureAsync("redis", settings, tasks, window, mixed));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "durable",
            redis_per_embedded_throughput = Math.Round(durable.PerS / embedded.PerS, 3),
            redis_per_embedded_short_p99 = Math.Round(durable.Report.Short.P99Ms / embedded.Report.Short.P99Ms, 3),
            redis_per_embedded_makespan = Math.Round(durable.Report.MakespanS / embedded.Report.MakespanS, 3),
            goal = "redis_per_embedded_throughput >= 0.25",
        }));
    }

    private static async Task<(double PerS, ReplayReport Report)> MeasureAsync(string mode, string[] settings, int tasks, int window, IReadOnlyList<WorkloadTask> mixed)
    {
        var gateway = SiloProcess.FreePort();
        using var silo = SiloProcess.Start(gateway, settings);
        await silo.WaitForGatewayAsync(gateway);
        using var host = await BenchHosts.ClientAsync(gateway);
        var surge = host.Services.GetRequiredService<ISurgeClient>();

        await ThroughputBench.NoOpTasksAsync(surge, 5_000, window, "warm", oneCall: true);
        var perS = await ThroughputBench.NoOpTasksAsync(surge, tasks, window, "run", oneCall: true);
        Console.WriteLine(JsonSerializer.Serialize(new { bench = "noop_tasks_run", mode, tasks, window, per_s = perS }));
        var report = await ReplayRun.RunAsync(surge, mixed, "mixed", new ReplayOptions(), null, CancellationToken.None);
        Console.WriteLine(JsonSerializer.Serialize(new { bench = "mixed", mode, completed = report.Completed, makespan_s = report.MakespanS, short_p99_ms = report.Short.P99Ms, long_p99_ms = report.Long.P99Ms }));
        await host.StopAsync();
        return (perS, report);
    }
}
