using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surge.Client;
using Surge.Hosting;
using Surge.Workers;

namespace Surge.Bench;

/// <summary>
/// Pinpoint's outage, replayed: a storm of 20,000 tasks of one type capped at 15 running cluster-wide, and the
/// latency of another type's tasks meanwhile, against the same tasks with no storm (baseline, same run), and
/// against the same storm with no cap (what the cap prevents).
/// </summary>
internal static class CapsBench
{
    private const string Capped = "bulk", Free = "bulk-free";
    private static int _running, _max, _done;

    public static async Task RunAsync(string[] args)
    {
        var storm = int.Parse(BenchCli.Option(args, "storm", "20000"));
        var probes = int.Parse(BenchCli.Option(args, "probes", "1000")); // 1,000 samples: a p99 from 400 moved by 2x between runs
        var cap = int.Parse(BenchCli.Option(args, "cap", "15"));
        using var host = await StartAsync(cap);
        var surge = host.Services.GetRequiredService<ISurgeClient>();

        await ProbeAsync(surge, 100); // warm-up
        var unloaded = await ProbeAsync(surge, probes);
        Print("unloaded", unloaded, null);
        var capped = await DuringStormAsync(surge, Capped, storm, probes);
        var free = await DuringStormAsync(surge, Free, storm, probes);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "caps",
            cap,
            capped_max_running = capped.MaxRunning,
            uncapped_storm_max_running = free.MaxRunning,
            other_type_p99_storm_capped_per_unloaded = Math.Round(capped.P99 / unloaded.P99, 3),
            other_type_p99_storm_uncapped_per_unloaded = Math.Round(free.P99 / unloaded.P99, 3),
            goal = "capped_max_running == cap and other_type_p99_storm_capped_per_unloaded <= 2",
        }));
        await host.StopAsync();
    }

    private static async Task<(double P99, int MaxRunning)> DuringStormAsync(ISurgeClient surge, string type, int storm, int probes)
    {
        Interlocked.Exchange(ref _max, 0);
        var doneBefore = Volatile.Read(ref _done);
        var submitting = Parallel.ForEachAsync(Enumerable.Range(0, storm), new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (_, ct) => await surge.SubmitAsync(TaskSpec.Create(type), ct));
        await Task.Delay(200); // the storm is under way
        var during = await ProbeAsync(surge, probes);
        await submitting;
        while (Volatile.Read(ref _done) - doneBefore < storm) await Task.Delay(50); // the whole storm ran before the next phase
        Print($"storm_{type}", during, _max);
        return (during.P99, _max);
    }

    // The other type: 5 ms tasks, 8 at a time, each timed from submission to its final status.
    private static async Task<(double P50, double P99)> ProbeAsync(ISurgeClient surge, int count)
    {
        var latencies = new ConcurrentBag<double>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            var clock = Stopwatch.StartNew();
            await surge.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":5}"""), cancellationToken: ct);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        });
        var sorted = latencies.Order().ToArray();
        return (Percentiles.NearestRank<double>(sorted, 0.50), Percentiles.NearestRank<double>(sorted, 0.99));
    }

    private static void Print(string phase, (double P50, double P99) probe, int? maxRunning)
        => Console.WriteLine(JsonSerializer.Serialize(new { bench = "caps", phase, other_p50_ms = Math.Round(probe.P50, 2), other_p99_ms = Math.Round(probe.P99, 2), storm_max_running = maxRunning }));

    private static Task<IHost> StartAsync(int cap) => BenchHosts.SiloAsync(
        ["--Surge:Workers:MaxConcurrency=64", $"--Surge:Policies:Types:{Capped}:MaxRunning={cap}",
            $"--Surge:Routing:TypePools:{Capped}=long", $"--Surge:Routing:TypePools:{Free}=long", "--Surge:Routing:TypePools:simulate=short"],
        silo => silo.AddSurgeWorkers(w => w.AddHandler(Capped, BulkAsync).AddHandler(Free, BulkAsync)));

    // 2 ms of I/O-like waiting, counting how many run at once.
    private static async ValueTask<ReadOnlyMemory<byte>> BulkAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _running);
        int seen;
        while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen) { }
        await Task.Delay(2, CancellationToken.None);
        Interlocked.Decrement(ref _running);
        Interlocked.Increment(ref _done);
        return ReadOnlyMemory<byte>.Empty;
    }
}
