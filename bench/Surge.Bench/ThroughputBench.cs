using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Surge.Client;

namespace Surge.Bench;

/// <summary>
/// End-to-end no-op task throughput from this process (an Orleans client) against a silo process, beside the raw
/// grain-call rate measured the same way in the same run: the cost of Surge's path over plain Orleans messaging.
/// </summary>
internal static class ThroughputBench
{
    public static async Task RunAsync(string[] args)
    {
        var tasks = int.Parse(BenchCli.Option(args, "tasks", "200000"));
        var window = int.Parse(BenchCli.Option(args, "window", "2000"));
        var gateway = SiloProcess.FreePort();
        using var silo = SiloProcess.Start(gateway);
        await silo.WaitForGatewayAsync(gateway);

        using var host = await BenchHosts.ClientAsync(gateway);
        var cluster = host.Services.GetRequiredService<IClusterClient>();
        var surge = host.Services.GetRequiredService<ISurgeClient>();

        // Warm both paths (JIT, activations of the raw targets) before measuring.
        await RawCallsAsync(cluster, 20_000, window);
        await NoOpTasksAsync(surge, 5_000, window, "warm", oneCall: true);

        var raw = await RawCallsAsync(cluster, tasks, window);
        Console.WriteLine(JsonSerializer.Serialize(new { bench = "raw_grain_calls", calls = tasks, window, per_s = raw }));
        var twoCalls = await NoOpTasksAsync(surge, tasks, window, "submit-wait", oneCall: false);
        Console.WriteLine(JsonSerializer.Serialize(new { bench = "noop_tasks_submit_then_wait", tasks, window, per_s = twoCalls }));
        var oneCall = await NoOpTasksAsync(surge, tasks, window, "run", oneCall: true);
        Console.WriteLine(JsonSerializer.Serialize(new { bench = "noop_tasks_run", tasks, window, per_s = oneCall }));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "throughput",
            run_per_raw_call = Math.Round(oneCall / raw, 3),
            submit_then_wait_per_raw_call = Math.Round(twoCalls / raw, 3),
            goal = "run_per_raw_call >= 0.35",
        }));
        await host.StopAsync();
    }

    // A raw call: one request and its response to a grain, spread over the same activations tasks spread over.
    internal static async Task<double> RawCallsAsync(IClusterClient cluster, int calls, int window)
    {
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, calls, new ParallelOptions { MaxDegreeOfParallelism = window },
            async (i, _) => await cluster.GetGrain<ITaskShardGrain>(i % TaskShards.Count).GetStatusAsync("raw"));
        return Math.Round(calls / Stopwatch.GetElapsedTime(started).TotalSeconds, 1);
    }

    // A task: submitted, run by the simulate handler with duration 0, and seen final by this client, either in one
    // round trip (RunAsync) or in two (SubmitAsync, then WaitAsync).
    internal static async Task<double> NoOpTasksAsync(ISurgeClient surge, int tasks, int window, string prefix, bool oneCall)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = window }, async (i, _) =>
        {
            var id = $"{prefix}-{run}-{i}";
            var spec = TaskSpec.Create("simulate", "{\"duration_ms\":0}", NoOp, id);
            var final = oneCall ? await surge.RunAsync(spec) : await WaitAfterSubmitAsync(surge, spec);
            if (final.State != TaskState.Succeeded) throw new InvalidOperationException($"{id} {final.State}: {final.Error}");
        });
        return Math.Round(tasks / Stopwatch.GetElapsedTime(started).TotalSeconds, 1);
    }

    private static async Task<TaskStatus> WaitAfterSubmitAsync(ISurgeClient surge, TaskSpec spec)
    {
        await surge.SubmitAsync(spec);
        return await surge.WaitAsync(spec.Id);
    }

    private static readonly Dictionary<string, FeatureValue> NoOp = new() { ["kind"] = "noop" };
}
