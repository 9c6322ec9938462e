using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Surge.Client;
using Surge.Replay;

namespace Surge.Bench;

/// <summary>
/// What keeping order costs: the ordered workload (builds' started/finished events, a "finished" after its "started")
/// replayed with zero durations and all at once, as entity events, and the same tasks as plain no-op tasks (no
/// entity), through the same replay from a client process against a silo process. Rounds alternate which side goes
/// first, so the noise of a small machine does not favour one; the summary is the median ratio. Embedded defaults,
/// and cluster mode on a redis-server started here (as <c>bench durable</c>).
/// </summary>
internal static class OrderedBench
{
    public static async Task RunAsync(string[] args)
    {
        var entities = int.Parse(BenchCli.Option(args, "entities", "10000"));
        var events = int.Parse(BenchCli.Option(args, "n", $"{entities * 2}"));
        var seed = int.Parse(BenchCli.Option(args, "seed", "1"));
        var rounds = int.Parse(BenchCli.Option(args, "rounds", "5"));
        var modes = BenchCli.Option(args, "modes", "embedded,redis").Split(',', StringSplitOptions.RemoveEmptyEntries);
        // One side alone (events or tasks), to profile it: no ratio then.
        var only = BenchCli.Option(args, "only", "") is { Length: > 0 } side ? side : null;
        // Counting the client's calls takes an outgoing filter, which puts every call on Orleans' slower path: off
        // unless asked for, so the ratio is measured as users' clients run.
        var countCalls = BenchCli.Flag(args, "count-calls");
        var workload = OrderedWorkload.Create(entities, events, seed);

        var summaries = new List<object>();
        foreach (var mode in modes)
        {
            if (mode == "embedded") summaries.Add(await MeasureAsync(mode, [], workload, rounds, only, countCalls));
            else if (mode == "redis") summaries.Add(await BenchRedis.WithAsync(settings => MeasureAsync(mode, settings, workload, rounds, only, countCalls)));
            else throw new ArgumentException($"--modes: '{mode}' is neither embedded nor redis");
        }
        Console.WriteLine(JsonSerializer.Serialize(new { summary = "ordered", modes = summaries, goal = "events_per_task >= 0.6 and ordering_violations == 0" }));
    }

    private static async Task<object> MeasureAsync(string mode, string[] settings, IReadOnlyList<WorkloadTask> workload, int rounds, string? only, bool countCalls)
    {
        var gateway = SiloProcess.FreePort();
        using var silo = SiloProcess.Start(gateway, settings);
        await silo.WaitForGatewayAsync(gateway);
        var calls = countCalls ? new CallCounter() : null;
        using var host = await BenchHosts.ClientAsync(gateway, services: s =>
        {
            if (calls is not null) s.AddSingleton<IOutgoingGrainCallFilter>(calls);
        });
        var surge = host.Services.GetRequiredService<ISurgeClient>();
        var run = Guid.NewGuid().ToString("N")[..8];

        // Warm both paths (JIT and its later tiers, the thread pools' sizes, shard activations) with a whole replay each.
        await ReplayAsync(surge, OrderedWorkload.Round(workload, $"{run}-warm", entity: true));
        await ReplayAsync(surge, OrderedWorkload.Round(workload, $"{run}-warm", entity: false));
        calls?.Take();

        var ratios = new List<double>();
        var cpuRatios = new List<double>();
        var events = new List<Side>();
        var tasks = new List<Side>();
        for (var round = 0; round < rounds; round++)
        {
            // ABBA: even rounds start with entity events, odd rounds with plain tasks.
            foreach (var entity in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                if (only is not null && only != (entity ? "events" : "tasks")) continue;
                var side = await MeasureSideAsync(surge, silo, calls, OrderedWorkload.Round(workload, $"{run}-{round}", entity), $"{mode} round {round}");
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    bench = entity ? "ordered_entity_events" : "ordered_plain_tasks", mode, round, tasks = workload.Count,
                    per_s = side.PerS, makespan_s = side.MakespanS, cpu_us_each = side.CpuUs, ordering_violations = side.Violations,
                    client_calls_each = side.CallsEach, client_calls = side.Calls,
                }));
                (entity ? events : tasks).Add(side);
            }
            if (only is not null) continue;
            ratios.Add(events[^1].PerS / tasks[^1].PerS);
            cpuRatios.Add(tasks[^1].CpuUs / events[^1].CpuUs);
        }
        await host.StopAsync();
        return new
        {
            mode, events = workload.Count, entities = workload.Select(t => t.Entity).Distinct().Count(), rounds,
            events_per_s = Math.Round(Median(events.ConvertAll(e => e.PerS)), 1), tasks_per_s = Math.Round(Median(tasks.ConvertAll(t => t.PerS)), 1),
            events_per_task = Math.Round(Median(ratios), 3),
            // The same comparison in CPU time (silo and client process), which other load on the machine disturbs less.
            cpu_us_per_event = Math.Round(Median(events.ConvertAll(e => e.CpuUs)), 1), cpu_us_per_task = Math.Round(Median(tasks.ConvertAll(t => t.CpuUs)), 1),
            events_per_task_by_cpu = Math.Round(Median(cpuRatios), 3),
            ordering_violations = events.Sum(e => e.Violations), target = 0.6,
        };
    }

    // A redis-server for this measurement only, as bench durable starts it (append-only file fsynced every second).

    // One replay: its rate, and the CPU time the silo and this client spent per task.
    private static async Task<Side> MeasureSideAsync(ISurgeClient surge, SiloProcess silo, CallCounter? calls, IReadOnlyList<WorkloadTask> tasks, string what)
    {
        calls?.Take();
        var cpu = silo.CpuTime + Process.GetCurrentProcess().TotalProcessorTime;
        var report = await ReplayAsync(surge, tasks);
        cpu = silo.CpuTime + Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (report.Completed != report.Tasks)
            throw new InvalidOperationException($"{what}: {report.Completed} of {report.Tasks} succeeded ({report.Failed} failed, {report.Rejected} refused)");
        var made = calls?.Take();
        return new Side(report.ThroughputPerS, report.MakespanS, Math.Round(cpu.TotalMicroseconds / tasks.Count, 1), report.OrderingViolations,
            made is null ? null : Math.Round(made.Values.Sum() / (double)tasks.Count, 3), made);
    }

    // Calls (with --count-calls, else null): the client's grain calls by method during the replay (each retry counted),
    // CallsEach their sum per task.
    private sealed record Side(double PerS, double MakespanS, double CpuUs, int Violations, double? CallsEach, Dictionary<string, long>? Calls);

    private static Task<ReplayReport> ReplayAsync(ISurgeClient surge, IReadOnlyList<WorkloadTask> tasks)
        => ReplayRun.RunAsync(surge, tasks, "ordered", new ReplayOptions(), null, CancellationToken.None);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return 0; // a side not measured (--only)
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
