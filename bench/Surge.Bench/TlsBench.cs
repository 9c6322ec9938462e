using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Surge.Client;
using Surge.Testing;

namespace Surge.Bench;

/// <summary>
/// What mutual TLS costs: the no-op task throughput of <see cref="ThroughputBench"/> (grain path, one round trip per
/// task) and raw grain calls, against a silo process with <c>Surge:Tls</c> and one without, in the same run. The TLS
/// client is known by its certificate (security on: each call carries its proof and passes the role check). Rounds
/// alternate the two so the machine's noise falls on each alike; medians are reported. Certificates are made for the
/// run in a temporary directory and deleted after.
/// </summary>
internal static class TlsBench
{
    public static async Task RunAsync(string[] args)
    {
        var tasks = int.Parse(BenchCli.Option(args, "tasks", "50000"));
        var window = int.Parse(BenchCli.Option(args, "window", "2000"));
        var rounds = int.Parse(BenchCli.Option(args, "rounds", "3"));
        using var certificates = ThrowawayCertificates.Create();
        var client = certificates.Client("CN=bench");
        var plainGateway = SiloProcess.FreePort();
        var tlsGateway = SiloProcess.FreePort();
        using var plainSilo = SiloProcess.Start(plainGateway, "--Surge:Routing:Path=Grains");
        using var tlsSilo = SiloProcess.Start(tlsGateway, "--Surge:Routing:Path=Grains", $"--Surge:Tls:Directory={certificates.Silo}",
            "--Surge:Security:Clients:0:Subject=CN=bench", "--Surge:Security:Clients:0:Role=Submit");
        await plainSilo.WaitForGatewayAsync(plainGateway);
        await tlsSilo.WaitForGatewayAsync(tlsGateway);

        using var plainHost = await BenchHosts.ClientAsync(plainGateway);
        using var tlsHost = await BenchHosts.ClientAsync(tlsGateway, o => o.Tls.Directory = client);
        var (plainCluster, plain) = (plainHost.Services.GetRequiredService<IClusterClient>(), plainHost.Services.GetRequiredService<ISurgeClient>());
        var (tlsCluster, tls) = (tlsHost.Services.GetRequiredService<IClusterClient>(), tlsHost.Services.GetRequiredService<ISurgeClient>());

        foreach (var (cluster, surge) in new[] { (plainCluster, plain), (tlsCluster, tls) })
        {
            await ThroughputBench.RawCallsAsync(cluster, 20_000, window);
            await ThroughputBench.NoOpTasksAsync(surge, 5_000, window, "warm", oneCall: true);
        }
        List<double> plainRaw = [], tlsRaw = [], plainTasks = [], tlsTasks = [];
        List<double> plainRawCpu = [], tlsRawCpu = [], plainTaskCpu = [], tlsTaskCpu = [];
        List<double> plainRawAlloc = [], tlsRawAlloc = [], plainTaskAlloc = [], tlsTaskAlloc = [];
        for (var round = 0; round < rounds; round++)
        {
            plainRaw.Add(await Costed(plainSilo, tasks, plainRawCpu, plainRawAlloc, () => ThroughputBench.RawCallsAsync(plainCluster, tasks, window)));
            tlsRaw.Add(await Costed(tlsSilo, tasks, tlsRawCpu, tlsRawAlloc, () => ThroughputBench.RawCallsAsync(tlsCluster, tasks, window)));
            plainTasks.Add(await Costed(plainSilo, tasks, plainTaskCpu, plainTaskAlloc, () => ThroughputBench.NoOpTasksAsync(plain, tasks, window, "run", oneCall: true)));
            tlsTasks.Add(await Costed(tlsSilo, tasks, tlsTaskCpu, tlsTaskAlloc, () => ThroughputBench.NoOpTasksAsync(tls, tasks, window, "run", oneCall: true)));
            Console.WriteLine(JsonSerializer.Serialize(new { bench = "tls_round", round, tasks, window, plain_raw_calls_per_s = plainRaw[^1],
                tls_raw_calls_per_s = tlsRaw[^1], plain_tasks_per_s = plainTasks[^1], tls_tasks_per_s = tlsTasks[^1],
                plain_cpu_us_per_raw_call = plainRawCpu[^1], tls_cpu_us_per_raw_call = tlsRawCpu[^1],
                plain_cpu_us_per_task = plainTaskCpu[^1], tls_cpu_us_per_task = tlsTaskCpu[^1] }));
        }
        var (pr, tr, pt, tt) = (Median(plainRaw), Median(tlsRaw), Median(plainTasks), Median(tlsTasks));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "tls",
            rounds,
            plain_raw_calls_per_s = pr,
            tls_raw_calls_per_s = tr,
            plain_tasks_per_s = pt,
            tls_tasks_per_s = tt,
            tls_per_plain_raw_calls = Math.Round(tr / pr, 3),
            tls_per_plain_tasks = Math.Round(tt / pt, 3),
            // Each round's two measurements ran one after the other: their ratio cancels the noise of that moment.
            tls_per_plain_tasks_round_median = Math.Round(Median([.. tlsTasks.Zip(plainTasks, (t, p) => t / p)]), 3),
            tls_per_plain_raw_calls_round_median = Math.Round(Median([.. tlsRaw.Zip(plainRaw, (t, p) => t / p)]), 3),
            // CPU time (client and silo process) per operation: what TLS costs, much less moved by the machine's noise than rates.
            plain_cpu_us_per_raw_call = Median(plainRawCpu),
            tls_cpu_us_per_raw_call = Median(tlsRawCpu),
            plain_cpu_us_per_task = Median(plainTaskCpu),
            tls_cpu_us_per_task = Median(tlsTaskCpu),
            // Bytes the client process allocates per operation: what the client side adds, untouched by the machine's noise.
            plain_client_bytes_per_raw_call = Median(plainRawAlloc),
            tls_client_bytes_per_raw_call = Median(tlsRawAlloc),
            plain_client_bytes_per_task = Median(plainTaskAlloc),
            tls_client_bytes_per_task = Median(tlsTaskAlloc),
            goal = "tls_per_plain_tasks >= 0.85",
        }));
        await plainHost.StopAsync();
        await tlsHost.StopAsync();
    }

    private static double Median(List<double> values) => Percentiles.Of(values, 0.5);

    // Runs one measurement, and adds the CPU time it took in this process and the silo's, per operation, in µs, and
    // the bytes this (the client's) process allocated per operation.
    private static async Task<double> Costed(SiloProcess silo, int operations, List<double> cpuPerOperation, List<double> bytesPerOperation, Func<Task<double>> measure)
    {
        var (before, siloBefore, allocated) = (Process.GetCurrentProcess().TotalProcessorTime, silo.CpuTime, GC.GetTotalAllocatedBytes(precise: true));
        var rate = await measure();
        var used = Process.GetCurrentProcess().TotalProcessorTime - before + (silo.CpuTime - siloBefore);
        cpuPerOperation.Add(Math.Round(used.TotalMicroseconds / operations, 1));
        bytesPerOperation.Add(Math.Round((double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / operations));
        return rate;
    }
}
