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
/// client is known by its certificate (security on: it opens a session with its proof, and each call passes the role
/// check). Rounds alternate the two so the machine's noise falls on each alike; medians are reported. Certificates are
/// made for the run in a temporary directory and deleted after.
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
        // What the second silo and its client add, to split the cost: "cert" (the target: mutual TLS, known by the
        // certificate's proof, roles checked), "bare" (mutual TLS, security off: TLS alone), "key" (no TLS: an API key
        // and the role check).
        var variant = BenchCli.Option(args, "variant", "cert");
        const string ApiKey = "bench-api-key-0123456789abcdef";
        string[] settings = variant switch
        {
            "cert" => [$"--Surge:Tls:Directory={certificates.Silo}", "--Surge:Security:Clients:0:Subject=CN=bench", "--Surge:Security:Clients:0:Role=Submit"],
            "bare" => [$"--Surge:Tls:Directory={certificates.Silo}", "--Surge:Security:Enabled=false"],
            "key" => [$"--Surge:Security:Clients:0:ApiKey={ApiKey}", "--Surge:Security:Clients:0:Name=bench", "--Surge:Security:Clients:0:Role=Submit"],
            _ => throw new ArgumentException($"--variant {variant}: use cert, bare or key"),
        };
        using var tlsSilo = SiloProcess.Start(tlsGateway, ["--Surge:Routing:Path=Grains", .. settings]);
        await plainSilo.WaitForGatewayAsync(plainGateway);
        await tlsSilo.WaitForGatewayAsync(tlsGateway);

        using var plainHost = await BenchHosts.ClientAsync(plainGateway);
        using var tlsHost = await BenchHosts.ClientAsync(tlsGateway, o =>
        {
            if (variant == "key") o.ApiKey = ApiKey;
            else o.Tls.Directory = client;
        });
        var (plainCluster, plain) = (plainHost.Services.GetRequiredService<IClusterClient>(), plainHost.Services.GetRequiredService<ISurgeClient>());
        var (tlsCluster, tls) = (tlsHost.Services.GetRequiredService<IClusterClient>(), tlsHost.Services.GetRequiredService<ISurgeClient>());

        // A whole round per mode, discarded, then a wait until both silos are idle: with a short warm-up the first
        // measured round ran at a third of the later ones in both modes, and even after a whole round the silo not
        // being measured still spent a third of a core on tiered compilation's backlog, taken from the one measured.
        foreach (var (cluster, surge) in new[] { (plainCluster, plain), (tlsCluster, tls) })
        {
            await ThroughputBench.RawCallsAsync(cluster, tasks, window);
            await ThroughputBench.NoOpTasksAsync(surge, tasks, window, "warm", oneCall: true);
        }
        var settled = await SiloProcess.IdleAsync([plainSilo, tlsSilo], maxCores: 0.08, TimeSpan.FromSeconds(60));
        Series plainRaw = new(), tlsRaw = new(), plainTasks = new(), tlsTasks = new();
        for (var round = 0; round < rounds; round++)
        {
            // Plain first in even rounds, TLS first in odd ones: whatever one measurement leaves the next (the shared
            // client process's garbage, a silo's timers catching up) falls on each mode alike.
            Func<Task>[] raw = [() => plainRaw.Costed(plainSilo, tlsSilo, tasks, () => ThroughputBench.RawCallsAsync(plainCluster, tasks, window)),
                () => tlsRaw.Costed(tlsSilo, plainSilo, tasks, () => ThroughputBench.RawCallsAsync(tlsCluster, tasks, window))];
            Func<Task>[] run = [() => plainTasks.Costed(plainSilo, tlsSilo, tasks, () => ThroughputBench.NoOpTasksAsync(plain, tasks, window, "run", oneCall: true)),
                () => tlsTasks.Costed(tlsSilo, plainSilo, tasks, () => ThroughputBench.NoOpTasksAsync(tls, tasks, window, "run", oneCall: true))];
            foreach (var measure in round % 2 == 0 ? [raw[0], raw[1], run[0], run[1]] : new[] { raw[1], raw[0], run[1], run[0] }) await measure();
            Console.WriteLine(JsonSerializer.Serialize(new { bench = "tls_round", round, tasks, window, plain_raw_calls_per_s = plainRaw.Rates[^1],
                tls_raw_calls_per_s = tlsRaw.Rates[^1], plain_tasks_per_s = plainTasks.Rates[^1], tls_tasks_per_s = tlsTasks.Rates[^1],
                plain_cpu_us_per_raw_call = plainRaw.Cpu[^1], tls_cpu_us_per_raw_call = tlsRaw.Cpu[^1],
                plain_cpu_us_per_task = plainTasks.Cpu[^1], tls_cpu_us_per_task = tlsTasks.Cpu[^1],
                plain_client_cpu_us_per_task = plainTasks.ClientCpu[^1], tls_client_cpu_us_per_task = tlsTasks.ClientCpu[^1],
                idle_silo_cores = new[] { plainRaw.IdleSiloCores[^1], tlsRaw.IdleSiloCores[^1], plainTasks.IdleSiloCores[^1], tlsTasks.IdleSiloCores[^1] } }));
        }
        var (pr, tr, pt, tt) = (Median(plainRaw.Rates), Median(tlsRaw.Rates), Median(plainTasks.Rates), Median(tlsTasks.Rates));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "tls",
            variant,
            rounds,
            // Seconds the silos took to go idle after the warm-up (60 at most: the wait gave up).
            warm_up_settle_s = Math.Round(settled.TotalSeconds, 1),
            plain_raw_calls_per_s = pr,
            tls_raw_calls_per_s = tr,
            plain_tasks_per_s = pt,
            tls_tasks_per_s = tt,
            tls_per_plain_raw_calls = Math.Round(tr / pr, 3),
            tls_per_plain_tasks = Math.Round(tt / pt, 3),
            // Each round's two measurements ran one after the other: their ratio cancels the noise of that moment.
            tls_per_plain_tasks_round_median = Math.Round(Median([.. tlsTasks.Rates.Zip(plainTasks.Rates, (t, p) => t / p)]), 3),
            tls_per_plain_raw_calls_round_median = Math.Round(Median([.. tlsRaw.Rates.Zip(plainRaw.Rates, (t, p) => t / p)]), 3),
            // CPU time (client and silo process) per operation: what TLS costs, much less moved by the machine's noise than rates.
            plain_cpu_us_per_raw_call = Median(plainRaw.Cpu),
            tls_cpu_us_per_raw_call = Median(tlsRaw.Cpu),
            plain_cpu_us_per_task = Median(plainTasks.Cpu),
            tls_cpu_us_per_task = Median(tlsTasks.Cpu),
            // The client process's share of it: where a difference lies, the client's side or the silo's.
            plain_client_cpu_us_per_raw_call = Median(plainRaw.ClientCpu),
            tls_client_cpu_us_per_raw_call = Median(tlsRaw.ClientCpu),
            plain_client_cpu_us_per_task = Median(plainTasks.ClientCpu),
            tls_client_cpu_us_per_task = Median(tlsTasks.ClientCpu),
            // Bytes the client process allocates per operation: what the client side adds, untouched by the machine's noise.
            plain_client_bytes_per_raw_call = Median(plainRaw.Bytes),
            tls_client_bytes_per_raw_call = Median(tlsRaw.Bytes),
            plain_client_bytes_per_task = Median(plainTasks.Bytes),
            tls_client_bytes_per_task = Median(tlsTasks.Bytes),
            goal = "tls_per_plain_tasks >= 0.85",
        }));
        await plainHost.StopAsync();
        await tlsHost.StopAsync();
    }

    private static double Median(List<double> values) => Percentiles.Of(values, 0.5);

    // One kind of measurement, round by round: its rate, the CPU time it took in this (the client's) process and the
    // silo's per operation in µs, the client's share of that, and the bytes the client process allocated per operation.
    private sealed class Series
    {
        public List<double> Rates { get; } = [];
        public List<double> Cpu { get; } = [];
        public List<double> ClientCpu { get; } = [];
        public List<double> Bytes { get; } = [];
        public List<double> IdleSiloCores { get; } = [];

        public async Task Costed(SiloProcess silo, SiloProcess idle, int operations, Func<Task<double>> measure)
        {
            // The client's garbage from the measurement before is collected now, not charged to this one.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var (before, siloBefore, allocated) = (Process.GetCurrentProcess().TotalProcessorTime, silo.CpuTime, GC.GetTotalAllocatedBytes(precise: true));
            var (idleBefore, started) = (idle.CpuTime, Stopwatch.GetTimestamp());
            Rates.Add(await measure());
            IdleSiloCores.Add(Math.Round((idle.CpuTime - idleBefore) / Stopwatch.GetElapsedTime(started), 2));
            var client = Process.GetCurrentProcess().TotalProcessorTime - before;
            Cpu.Add(Math.Round((client + silo.CpuTime - siloBefore).TotalMicroseconds / operations, 1));
            ClientCpu.Add(Math.Round(client.TotalMicroseconds / operations, 1));
            Bytes.Add(Math.Round((double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / operations));
        }
    }
}
