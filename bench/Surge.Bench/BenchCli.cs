namespace Surge.Bench;

/// <summary>
/// Benchmarks print JSON: one line per measurement, then a summary line with ratios against a baseline measured in
/// the same run, because machines here are noisy and only ratios travel.
/// </summary>
internal static class BenchCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var verb = args.FirstOrDefault() ?? "";
        var options = args.Skip(1).ToArray();
        Workloads.World = [.. new[] { "world", "shift" }.Where(o => Option(options, o, "") != "").SelectMany(o => new[] { "--" + o, Option(options, o, "") })];
        switch (verb)
        {
            case "mixed": await MixedWorkloadBench.RunAsync(options); return 0;
            case "throughput": await ThroughputBench.RunAsync(options); return 0;
            case "predict": PredictionBench.Run(options); return 0;
            case "ordered": await OrderedBench.RunAsync(options); return 0;
            case "durable": await DurableBench.RunAsync(options); return 0;
            case "caps": await CapsBench.RunAsync(options); return 0;
            case "chaos": return await Chaos.ChaosBench.RunAsync(options);
            case "flows": await FlowsBench.RunAsync(options); return 0;
            case "tls": await TlsBench.RunAsync(options); return 0;
            case "lists": await ListsBench.RunAsync(options); return 0;
            case "placement": await Placement.PlacementExperiment.RunAsync(options); return 0;
            default:
                Console.Error.WriteLine("""
                    usage: dotnet run --project bench/Surge.Bench -c Release -- mixed [--n 3000] [--workload FILE] [--world N --shift X] [--margin-quantile Q] [--runs a,b] [--sweep [--slots 8] [--simulate [--overhead-ms 0]]] [--html PAGE.html]
                           dotnet run --project bench/Surge.Bench -c Release -- throughput [--tasks 200000] [--window 2000]
                           dotnet run --project bench/Surge.Bench -c Release -- ordered [--n 20000] [--entities 10000] [--seed 1] [--rounds 5] [--modes embedded,redis] [--only events|tasks]   (redis needs redis-server)
                           dotnet run --project bench/Surge.Bench -c Release -- predict
                           dotnet run --project bench/Surge.Bench -c Release -- durable [--tasks 50000] [--n 2000]   (needs redis-server)
                           dotnet run --project bench/Surge.Bench -c Release -- caps [--storm 20000] [--cap 15] [--probes 1000]
                           dotnet run --project bench/Surge.Bench -c Release -- chaos [--minutes 10] [--seed 1] [--secure] [--partitions [--partition-seconds 15]] [--faults kill9,sigterm,cut,partition,stall,slow] [--stall-seconds 8] [--slow-ms 50-500] [--slow-links all|redis|silos] [--sigterm-in-cuts] [--settle-minutes 0] [--keep-logs]   (needs redis-server)
                           dotnet run --project bench/Surge.Bench -c Release -- flows [--entities 10000] [--slots 8] [--min-ms 1] [--max-ms 9] [--overhead-entities 2000]
                           dotnet run --project bench/Surge.Bench -c Release -- tls [--tasks 50000] [--window 2000] [--rounds 3]   (mutual TLS on against off)
                           dotnet run --project bench/Surge.Bench -c Release -- lists [--records 1000000] [--small 10000] [--loads 300] [--scans 60]   (status page lists: index against scan)
                           dotnet run --project bench/Surge.Bench -c Release -- placement [--calls 50000] [--window 500] [--rounds 3]   (silo groups: Orleans placement filter against Surge's director)
                    """);
                return 2;
        }
    }

    public static bool Flag(string[] args, string name) => args.Contains("--" + name);

    public static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
