using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using Surge.Silos;
using Surge.Replay;

namespace Surge.Bench.Placement;

/// <summary>
/// <c>bench placement</c> (issue 20): Orleans' silo metadata with a placement filter against Surge's own director, on
/// two silos in this process, one group hosting <c>short</c> and one hosting <c>long</c>. Calls start on the short
/// silo, as a shard there dispatches: <c>long</c> work must cross to the other silo, <c>short</c> work stays. Each
/// path runs the same no-op grain, so the figures are placement and the call. Rounds alternate the paths; medians and
/// the filter ÷ director ratios of the same run are printed, with CPU per call (both silos are this process).
/// </summary>
internal static class PlacementExperiment
{
    public const string PoolsKey = "surge.pools";

    public static bool Hosts(IReadOnlyDictionary<string, string> metadata, string pool)
        => metadata.TryGetValue(PoolsKey, out var pools) && pools.Split(',').Contains(pool, StringComparer.Ordinal);

    public static async Task RunAsync(string[] args)
    {
        var calls = int.Parse(BenchCli.Option(args, "calls", "50000"));
        var window = int.Parse(BenchCli.Option(args, "window", "500"));
        var rounds = int.Parse(BenchCli.Option(args, "rounds", "3"));
        var primary = SiloProcess.FreePort();
        var cluster = $"placement-{Guid.NewGuid():N}";
        using var shortSilo = await SiloAsync(cluster, primary, primary, "short", "short");
        using var longSilo = await SiloAsync(cluster, SiloProcess.FreePort(), primary, "long", "long");
        try
        {
            await MeasureBothAsync(shortSilo, longSilo, calls, window, rounds);
        }
        finally
        {
            await longSilo.StopAsync();
            await shortSilo.StopAsync();
        }
    }

    private static async Task MeasureBothAsync(IHost shortSilo, IHost longSilo, int calls, int window, int rounds)
    {
        var here = shortSilo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var there = longSilo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var factory = shortSilo.Services.GetRequiredService<IGrainFactory>();
        var picker = new HostPicker(shortSilo.Services);
        await picker.WaitForAsync("long", TimeSpan.FromSeconds(30));

        async Task<string> Director(string pool, int i)
            => await factory.GetGrain<ISiloInbox>(picker.Pick(pool) ?? throw new InvalidOperationException($"no host for {pool}")).EnqueueAsync(i);
        Task<string> Filter(string pool, int i) => factory.GetGrain<IFilteredPoolWorker>(pool).EnqueueAsync(i);
        var paths = new (string Name, Func<string, int, Task<string>> Call)[] { ("director", Director), ("filter", Filter) };
        string[] pools = ["long", "short"];
        var expected = new Dictionary<string, string> { ["long"] = there.ToParsableString(), ["short"] = here.ToParsableString() };

        foreach (var (_, call) in paths) foreach (var pool in pools) await MeasureAsync(call, pool, 5_000, window, expected[pool]); // warm
        var results = new Dictionary<(string Path, string Pool), List<Measured>>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var pool in pools)
            {
                foreach (var (name, call) in round % 2 == 0 ? paths : paths.Reverse())
                {
                    var m = await MeasureAsync(call, pool, calls, window, expected[pool]);
                    (results.TryGetValue((name, pool), out var list) ? list : results[(name, pool)] = []).Add(m);
                    Console.WriteLine(JsonSerializer.Serialize(new { bench = "placement_round", round, path = name, pool, calls, window,
                        calls_per_s = m.PerSecond, p50_ms = m.P50Ms, p99_ms = m.P99Ms, cpu_us_per_call = m.CpuUsPerCall, misplaced = m.Misplaced }));
                }
            }
        }
        var noHost = await NoHostAsync(factory, picker);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "placement",
            rounds,
            calls,
            window,
            pools = pools.ToDictionary(p => p, p => new
            {
                director = Summary(results[("director", p)]),
                filter = Summary(results[("filter", p)]),
                // Each round's filter run against the director run next to it, then the median of those ratios.
                filter_per_director_calls_per_s = RoundRatio(results[("filter", p)], results[("director", p)], m => m.PerSecond),
                filter_per_director_cpu_per_call = RoundRatio(results[("filter", p)], results[("director", p)], m => m.CpuUsPerCall),
                filter_per_director_p99 = RoundRatio(results[("filter", p)], results[("director", p)], m => m.P99Ms),
            }),
            silo_known_before_the_call = new { director = true, filter = false },
            no_host = noHost,
        }));
    }

    private static object Summary(List<Measured> runs) => new
    {
        calls_per_s = Median(runs, m => m.PerSecond),
        p50_ms = Median(runs, m => m.P50Ms),
        p99_ms = Median(runs, m => m.P99Ms),
        cpu_us_per_call = Median(runs, m => m.CpuUsPerCall),
        misplaced = runs.Sum(m => m.Misplaced),
    };

    private static double Median(List<Measured> runs, Func<Measured, double> value) => Math.Round(Percentiles.Of([.. runs.Select(value)], 0.5), 3);

    private static double RoundRatio(List<Measured> filter, List<Measured> director, Func<Measured, double> value)
        => Math.Round(Percentiles.Of([.. filter.Zip(director, (f, d) => value(f) / value(d))], 0.5), 3);

    private sealed record Measured(double PerSecond, double P50Ms, double P99Ms, double CpuUsPerCall, int Misplaced);

    // `calls` calls, `window` in flight; each call's latency, the process's CPU over the run, and calls that ran
    // anywhere but the silo hosting their pool.
    private static async Task<Measured> MeasureAsync(Func<string, int, Task<string>> call, string pool, int calls, int window, string expected)
    {
        var latencies = new double[calls];
        var misplaced = 0;
        var next = -1;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, window).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < calls)
            {
                var start = Stopwatch.GetTimestamp();
                var silo = await call(pool, i);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (silo != expected) Interlocked.Increment(ref misplaced);
            }
        }));
        var seconds = watch.Elapsed.TotalSeconds;
        var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
        return new Measured(Math.Round(calls / seconds), Math.Round(Percentiles.Of(latencies, 0.5), 3), Math.Round(Percentiles.Of(latencies, 0.99), 3),
            Math.Round(cpuUs / calls, 1), misplaced);
    }

    // A pool no silo hosts: the director path has no silo to name, so the work would wait undispatched; the filter
    // path's call fails in placement. How it fails, and how fast.
    private static async Task<object> NoHostAsync(IGrainFactory factory, HostPicker picker)
    {
        var watch = Stopwatch.StartNew();
        string error;
        try
        {
            await factory.GetGrain<IFilteredPoolWorker>("nobody").EnqueueAsync(0);
            error = "none: the call ran";
        }
        catch (Exception e)
        {
            error = $"{e.GetType().Name}: {e.Message.Split('.')[0]}";
        }
        return new { director_pick = picker.Pick("nobody") ?? "none (the task waits undispatched)", filter_call = error, filter_ms = Math.Round(watch.Elapsed.TotalMilliseconds, 1) };
    }

    private static async Task<IHost> SiloAsync(string cluster, int port, int primary, string group, string pools)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.AddFilter(null, LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(port, SiloProcess.FreePort(), new IPEndPoint(IPAddress.Loopback, primary), cluster, cluster);
            silo.UseSiloMetadata(new Dictionary<string, string> { ["surge.group"] = group, [PoolsKey] = pools });
            silo.Services.AddPlacementFilter<PoolHostFilterStrategy, PoolHostFilterDirector>(ServiceLifetime.Singleton);
            silo.Services.AddPlacementDirector<SiloKeyedPlacement, SiloKeyedPlacementDirector>();
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The director path's choice, as <c>Surge.Routing.PoolHosts.Pick</c> makes it: this silo if it hosts the pool, else a random active silo whose metadata lists it.</summary>
    private sealed class HostPicker(IServiceProvider services)
    {
        private readonly IClusterMembershipService _membership = services.GetRequiredService<IClusterMembershipService>();
        private readonly ISiloMetadataCache _metadata = services.GetRequiredService<ISiloMetadataCache>();
        private readonly SiloAddress _local = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

        public string? Pick(string pool)
        {
            if (Hosts(_metadata.GetSiloMetadata(_local).Metadata, pool)) return _local.ToParsableString();
            List<string>? candidates = null;
            foreach (var member in _membership.CurrentSnapshot.Members.Values)
            {
                if (member.Status != SiloStatus.Active || member.SiloAddress.Equals(_local)) continue;
                if (Hosts(_metadata.GetSiloMetadata(member.SiloAddress).Metadata, pool)) (candidates ??= []).Add(member.SiloAddress.ToParsableString());
            }
            return candidates is null ? null : candidates[Random.Shared.Next(candidates.Count)];
        }

        public async Task WaitForAsync(string pool, TimeSpan timeout)
        {
            var until = Stopwatch.StartNew();
            while (Pick(pool) is null)
            {
                if (until.Elapsed > timeout) throw new TimeoutException($"no silo hosting {pool} joined within {timeout}");
                await Task.Delay(50);
            }
        }
    }
}
