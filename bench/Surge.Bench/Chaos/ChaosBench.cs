using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Surge.Client;

namespace Surge.Bench.Chaos;

/// <summary>
/// Issue 14: a real cluster under faults. Three silo processes on a Redis reached through a cuttable link, the mixed
/// and ordered workloads submitted for <c>--minutes</c>, waves and a schedule beside them (<see cref="ChaosFlows"/>),
/// a seeded fault schedule (<see cref="FaultSchedule"/>), then a
/// wait for quiet and a check of every submission against the promise (<see cref="ChaosChecker"/>). Fault events go
/// to stderr as JSON lines; stdout gets one summary line. Logs (silo output, run logs) are kept when a counter is not
/// zero, or when partitions were injected, and their folder is named in the summary.
/// </summary>
internal static class ChaosBench
{
    private const int Silos = 3;
    private const string ApiKey = "chaos-key-0123456789abcdef"; // --secure: the one client's key, with the Admin role
    private static readonly TimeSpan Resubmitting = TimeSpan.FromSeconds(30), Quiet = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        var minutes = double.Parse(BenchCli.Option(args, "minutes", "10"), CultureInfo.InvariantCulture);
        var seed = int.Parse(BenchCli.Option(args, "seed", "1"), CultureInfo.InvariantCulture);
        // Security on, as the chart deploys it: every call needs a role, known from a session each silo reads from Redis
        // (through the cut link) when it first meets the client, also right after its restart.
        var secure = BenchCli.Flag(args, "secure");
        // A silo cut off from the other silos for 15 s (FaultSchedule); off by default, as the test's run is.
        var partitions = BenchCli.Flag(args, "partitions");
        var keepLogs = BenchCli.Flag(args, "keep-logs"); // silo logs and run logs kept even when every count is 0
        // Orleans suppresses votes against a silo heard from within MaxProbeTimeout x missed probes (8 s x 3 on Surge's
        // defaults), so a cut shorter than ~24 s is a silo unreachable for a while, not one declared dead: longer cuts
        // make the zombie (declared dead, still running) this fault is for.
        var partitionSeconds = double.Parse(BenchCli.Option(args, "partition-seconds", FaultSchedule.PartitionLength.TotalSeconds.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        if (partitionSeconds is < 1 or > 70)
        {
            Console.Error.WriteLine($"--partition-seconds is {partitionSeconds}; set 1 to 70 (a partition every {FaultSchedule.PartitionPeriod.TotalSeconds} s; default {FaultSchedule.PartitionLength.TotalSeconds}).");
            return 2;
        }
        // Which kinds of fault to inject: the default three (with --partitions, four), or a list such as stall,slow.
        var (kinds, kindsError) = FaultSchedule.Parse(BenchCli.Option(args, "faults", string.Join(',', FaultSchedule.Default)));
        if (kinds is null)
        {
            Console.Error.WriteLine(kindsError);
            return 2;
        }
        if (partitions) kinds = new HashSet<FaultKind>(kinds) { FaultKind.Partition };
        partitions = kinds.Contains(FaultKind.Partition);
        var stallSeconds = double.Parse(BenchCli.Option(args, "stall-seconds", FaultSchedule.StallLength.TotalSeconds.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        if (stallSeconds is < 1 or > 35)
        {
            Console.Error.WriteLine($"--stall-seconds is {stallSeconds}; set 1 to 35 (a Redis stall every {FaultSchedule.StallPeriod.TotalSeconds} s; default {FaultSchedule.StallLength.TotalSeconds}).");
            return 2;
        }
        var slowMs = BenchCli.Option(args, "slow-ms", "50-500").Split('-');
        if (slowMs.Length != 2 || !int.TryParse(slowMs[0], CultureInfo.InvariantCulture, out var slowMin) || !int.TryParse(slowMs[1], CultureInfo.InvariantCulture, out var slowMax)
            || slowMin < 0 || slowMax < slowMin || slowMax > 10_000)
        {
            Console.Error.WriteLine($"--slow-ms is '{BenchCli.Option(args, "slow-ms", "")}'; set MIN-MAX in milliseconds, 0 <= MIN <= MAX <= 10000 (default 50-500).");
            return 2;
        }
        var slowLinks = BenchCli.Option(args, "slow-links", "all"); // which links a slow fault slows
        if (slowLinks is not ("all" or "redis" or "silos"))
        {
            Console.Error.WriteLine($"--slow-links is '{slowLinks}'; set all (default), redis or silos.");
            return 2;
        }
        // The share of acknowledged tasks cancelled 0-2 s after their acknowledgment (ChaosProducers).
        var cancelShare = double.Parse(BenchCli.Option(args, "cancels", "0.02"), CultureInfo.InvariantCulture);
        if (cancelShare is < 0 or > 1)
        {
            Console.Error.WriteLine($"--cancels is {cancelShare}; set 0 to 1, the share of tasks cancelled after their acknowledgment (default 0.02).");
            return 2;
        }
        // The share of tasks submitted to fail, be dead-lettered and be retried once (ChaosProducers).
        var failShare = double.Parse(BenchCli.Option(args, "fails", "0.01"), CultureInfo.InvariantCulture);
        if (failShare is < 0 or > 1)
        {
            Console.Error.WriteLine($"--fails is {failShare}; set 0 to 1, the share of tasks that fail, are dead-lettered and retried once (default 0.01).");
            return 2;
        }
        // After the check, how long to go on reading the tasks it found unfinished: tells a backlog still draining from
        // tasks stuck for good. 0 (default): no such wait.
        var settleMinutes = double.Parse(BenchCli.Option(args, "settle-minutes", "0"), CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromMinutes(minutes);
        // Rolling restarts timed so that their drains end in Redis cuts: a stop that cannot be written (see FaultSchedule).
        var sigtermInCuts = BenchCli.Flag(args, "sigterm-in-cuts");
        if (sigtermInCuts && !(kinds.Contains(FaultKind.Sigterm) && kinds.Contains(FaultKind.Cut)))
        {
            Console.Error.WriteLine("--sigterm-in-cuts times SIGTERMs so that their drains end in Redis cuts; --faults must name both sigterm and cut.");
            return 2;
        }
        var schedule = FaultSchedule.Create(duration, seed, Silos, kinds, sigtermInCuts);
        var workload = ChaosWorkload.Create(duration);
        var dir = Directory.CreateTempSubdirectory("surge-chaos-").FullName;
        var clock = Stopwatch.StartNew();

        Dictionary<string, object?> summary;
        string[] siloSettings = ["--Surge:Workers:MaxConcurrency=8", "--Surge:Drain:Timeout=00:00:15",
            .. secure ? [$"--Surge:Security:Clients:0:ApiKey={ApiKey}", "--Surge:Security:Clients:0:Name=chaos", "--Surge:Security:Clients:0:Role=Admin"] : Array.Empty<string>()];
        await using (var cluster = await ChaosCluster.StartAsync(dir, Silos, siloSettings, siloLinks: partitions || (kinds.Contains(FaultKind.Slow) && slowLinks != "redis")))
        {
            using var host = await cluster.ClientAsync(secure ? [$"--Surge:Client:ApiKey={ApiKey}"] : []);
            var surge = host.Services.GetRequiredService<ISurgeClient>();
            await surge.RunAsync(TaskSpec.Create("simulate", """{"duration_ms":0}"""), TimeSpan.FromSeconds(30)); // connected
            var flows = new ChaosFlows(surge, host.Services.GetRequiredService<ISurgeFlows>());
            await flows.SetUpAsync();
            var startup = clock.Elapsed;

            var journal = new FaultJournal(DateTimeOffset.UtcNow);
            var end = journal.Start + duration;
            using var stop = new CancellationTokenSource();
            var probes = new RecoveryProbes(surge, stop.Token);
            var producers = new ChaosProducers(surge, seed, cancelShare, failShare);
            var producing = producers.RunAsync(workload, journal.Start, end + Resubmitting, end + Quiet);
            var waves = flows.RunAsync(journal.Start, end);
            var injector = new FaultInjector(cluster, journal, probes, TimeSpan.FromSeconds(partitionSeconds), TimeSpan.FromSeconds(stallSeconds),
                (TimeSpan.FromMilliseconds(slowMin), TimeSpan.FromMilliseconds(slowMax)), slowLinks);
            using var unsupervised = new CancellationTokenSource();
            var supervision = injector.SuperviseAsync(unsupervised.Token);
            await injector.RunAsync(schedule);
            var submissions = await producing;
            await waves;
            var recoveries = await probes.ResultsAsync();
            var atEnd = await StatusesAsync(surge, submissions);
            var (runs, badLines) = RunLog.Read(cluster.RunLog, journal.Ended);

            summary = new Dictionary<string, object?> { ["bench"] = "chaos", ["minutes"] = minutes, ["seed"] = seed, ["secure"] = secure, ["partitions"] = partitions, ["sigterm_in_cuts"] = sigtermInCuts, ["partition_s"] = partitions ? partitionSeconds : null,
                ["fault_kinds"] = kinds.Select(k => k.ToString().ToLowerInvariant()).ToArray(), ["stall_s"] = kinds.Contains(FaultKind.Stall) ? stallSeconds : null,
                ["slow_ms"] = kinds.Contains(FaultKind.Slow) ? $"{slowMin}-{slowMax}" : null, ["slow_links"] = kinds.Contains(FaultKind.Slow) ? slowLinks : null };
            foreach (var (key, value) in ChaosChecker.Check(submissions, atEnd, runs, journal, producers.Refusals, recoveries)) summary[key] = value;
            foreach (var (key, value) in await flows.CheckAsync(runs, journal.Start, end)) summary[key] = value;
            summary["faults"] = journal.Counts;
            summary["schedule"] = schedule.Select(f => $"{f.AtS:0.#}s {f.Kind}{(f.Slot >= 0 ? $"@{f.Slot}" : "")}").ToArray();
            summary["run_log_bad_lines"] = badLines;
            if (settleMinutes > 0) summary["settle"] = await SettleAsync(surge, flows, atEnd, TimeSpan.FromMinutes(settleMinutes));
            await unsupervised.CancelAsync();
            await supervision;
            summary["startup_s"] = Math.Round(startup.TotalSeconds, 1);
            summary["definitions"] = ChaosChecker.Definitions.Concat(ChaosFlows.Definitions).ToDictionary();
        }
        summary["elapsed_s"] = Math.Round(clock.Elapsed.TotalSeconds, 1);
        var clean = Zeros(summary);
        if (clean && !partitions && !keepLogs) Directory.Delete(dir, recursive: true); // a partition's story is in the silo logs: kept
        clean &= !partitions && !keepLogs;
        summary["logs"] = clean ? null : dir;
        Console.WriteLine(JsonSerializer.Serialize(summary));
        return 0;
    }

    /// <summary>The counters the chaos test asserts are zero.</summary>
    public static readonly string[] MustBeZero = ["lost", "changed_outcomes", "cancel_answers_broken", "started_after_cancel", "excess_runs", "ordering_violations", "overlapping_entity_runs", "stuck",
        "waves_not_done", "wave_steps_failed", "wave_order_violations"];

    private static bool Zeros(Dictionary<string, object?> summary)
        => MustBeZero.All(k => summary[k] is 0) && summary["refused"] is Dictionary<string, int> refused && refused["otherwise"] == 0;

    // The tasks not final and the waves not done at the check, read again every 10 s until all are or the time is up.
    private static async Task<Dictionary<string, object?>> SettleAsync(ISurgeClient surge, ChaosFlows flows, IReadOnlyDictionary<string, TaskStatus?> atEnd, TimeSpan limit)
    {
        var open = atEnd.Where(s => s.Value is not { IsFinal: true }).Select(s => s.Key).ToHashSet();
        var atCheck = open.Count;
        var waves = await flows.NotDoneAsync();
        var wavesAtCheck = waves;
        var clock = Stopwatch.StartNew();
        while ((open.Count > 0 || waves.Count > 0) && clock.Elapsed < limit)
        {
            if (waves.Count > 0) waves = await flows.NotDoneAsync();
            await Task.Delay(TimeSpan.FromSeconds(10));
            foreach (var id in open.ToList())
            {
                try
                {
                    if (await surge.GetStatusAsync(id) is { IsFinal: true }) open.Remove(id);
                }
                catch (Exception)
                {
                    // Still unknown: read again next round.
                }
            }
        }
        return new Dictionary<string, object?>
        {
            ["unfinished_at_check"] = atCheck,
            ["unfinished_after"] = open.Count,
            ["waves_not_done_at_check"] = wavesAtCheck,
            ["waves_not_done_after"] = waves,
            ["all_final_after_s"] = open.Count == 0 && waves.Count == 0 ? Math.Round(clock.Elapsed.TotalSeconds) : null,
            ["examples"] = open.Take(5).ToArray(),
        };
    }

    // The status of every task at the end, read with some parallelism; a read that keeps failing leaves null (unknown).
    private static async Task<IReadOnlyDictionary<string, TaskStatus?>> StatusesAsync(ISurgeClient surge, Submission[] submissions)
    {
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, TaskStatus?>();
        await Parallel.ForEachAsync(submissions, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (s, _) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    statuses[s.Task.Id] = await surge.GetStatusAsync(s.Task.Id);
                    return;
                }
                catch (Exception) when (attempt < 5)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
                catch (Exception)
                {
                    statuses[s.Task.Id] = null;
                    return;
                }
            }
        });
        return statuses;
    }
}
