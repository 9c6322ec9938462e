using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Surge.Client;

namespace Surge.Bench;

/// <summary>
/// End-to-end no-op task throughput from this process (an Orleans client) against silo processes, in one run: the
/// grain path (shard → classifier grain → pool grain), the same classifier and pools called in-process
/// (<c>Surge:Routing:Path=InProcess</c>, a second silo process), and raw grain calls. Rounds alternate the three so
/// the machine's noise falls on each alike; medians are reported.
/// </summary>
internal static class ThroughputBench
{
    public static async Task RunAsync(string[] args)
    {
        var tasks = int.Parse(BenchCli.Option(args, "tasks", "100000"));
        var window = int.Parse(BenchCli.Option(args, "window", "2000"));
        var rounds = int.Parse(BenchCli.Option(args, "rounds", "3"));
        var grainsGateway = SiloProcess.FreePort();
        var directGateway = SiloProcess.FreePort();
        using var grainsSilo = SiloProcess.Start(grainsGateway, "--Surge:Routing:Path=Grains");
        using var directSilo = SiloProcess.Start(directGateway, "--Surge:Routing:Path=InProcess");
        await grainsSilo.WaitForGatewayAsync(grainsGateway);
        await directSilo.WaitForGatewayAsync(directGateway);

        using var grainsHost = await BenchHosts.ClientAsync(grainsGateway);
        using var directHost = await BenchHosts.ClientAsync(directGateway);
        var cluster = grainsHost.Services.GetRequiredService<IClusterClient>();
        var grains = grainsHost.Services.GetRequiredService<ISurgeClient>();
        var direct = directHost.Services.GetRequiredService<ISurgeClient>();

        // Warm every path (JIT, activations of the raw targets and the shards) before measuring.
        await RawCallsAsync(cluster, 20_000, window);
        await NoOpTasksAsync(grains, 5_000, window, "warm", oneCall: true);
        await NoOpTasksAsync(direct, 5_000, window, "warm", oneCall: true);

        var raw = new List<double>();
        var grainPath = new List<double>();
        var inProcess = new List<double>();
        var submitWait = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            raw.Add(await RawCallsAsync(cluster, tasks, window));
            grainPath.Add(await NoOpTasksAsync(grains, tasks, window, "run", oneCall: true));
            inProcess.Add(await NoOpTasksAsync(direct, tasks, window, "run", oneCall: true));
            submitWait.Add(await NoOpTasksAsync(grains, tasks, window, "submit-wait", oneCall: false));
            Console.WriteLine(JsonSerializer.Serialize(new { bench = "throughput_round", round, tasks, window, raw_grain_calls_per_s = raw[^1],
                grain_path_per_s = grainPath[^1], in_process_per_s = inProcess[^1], grain_path_submit_then_wait_per_s = submitWait[^1] }));
        }
        var (r, g, d, w) = (Median(raw), Median(grainPath), Median(inProcess), Median(submitWait));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "throughput",
            rounds,
            raw_grain_calls_per_s = r,
            grain_path_per_s = g,
            in_process_per_s = d,
            grain_path_per_raw_call = Math.Round(g / r, 3),
            in_process_per_raw_call = Math.Round(d / r, 3),
            grain_path_per_in_process = Math.Round(g / d, 3),
            submit_then_wait_per_raw_call = Math.Round(w / r, 3),
            goal = "grain_path_per_raw_call >= 0.9",
        }));
        await grainsHost.StopAsync();
        await directHost.StopAsync();
    }

    private static double Median(List<double> values) => Percentiles.Of(values, 0.5);

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
