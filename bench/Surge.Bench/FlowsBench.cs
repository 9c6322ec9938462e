using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Surge.Client;
using Surge.Flows;
using Surge.Hosting;
using Surge.Workers;

namespace Surge.Bench;

/// <summary>
/// Waves of a 6-task diamond (load → four branches → join) over many entities, on one embedded silo with a fixed
/// number of slots in one FIFO pool:
/// <list type="bullet">
/// <item>makespan against the critical-path lower bound, max(longest chain, total work / slots), both from the
/// durations the tasks really ran (a timer sleeps a little longer than asked; that is not the wave's doing);</item>
/// <item>no-op tasks as a wave against the same number submitted plainly, in the same run: tasks/s each, and the
/// per-task overhead of a wave.</item>
/// </list>
/// </summary>
internal static class FlowsBench
{
    public static async Task RunAsync(string[] args)
    {
        var entities = int.Parse(BenchCli.Option(args, "entities", "10000"));
        var slots = int.Parse(BenchCli.Option(args, "slots", "8"));
        var minMs = int.Parse(BenchCli.Option(args, "min-ms", "1"));
        var maxMs = int.Parse(BenchCli.Option(args, "max-ms", "9"));
        var overheadEntities = int.Parse(BenchCli.Option(args, "overhead-entities", "2000"));
        using var host = await BenchHosts.SiloAsync(["--Surge:Routing:Mode=single", $"--Surge:Workers:MaxConcurrency={slots}", "--Surge:Autoscale:Enabled=false"],
            silo => silo.AddSurgeWorkers(w => w.AddHandler<FlowSimHandler>(FlowSimHandler.TypeName)));
        var flows = host.Services.GetRequiredService<ISurgeFlows>();
        var client = host.Services.GetRequiredService<ISurgeClient>();

        await WaveAsync(flows, "warm", 200, 0, 0);
        await PlainAsync(client, 1_000);

        // Overhead: the same no-op tasks, as a wave and submitted plainly (a window of 6 per entity's worth in flight).
        var plainRate = await PlainAsync(client, overheadEntities * 6);
        var (noOpWave, _) = await WaveAsync(flows, "noop", overheadEntities, 0, 0);
        var waveRate = overheadEntities * 6 / noOpWave.MakespanSeconds!.Value;
        Console.WriteLine(JsonSerializer.Serialize(new { bench = "flows_overhead", tasks = overheadEntities * 6, plain_tasks_per_s = Math.Round(plainRate, 1),
            wave_tasks_per_s = Math.Round(waveRate, 1), wave_overhead_ms_per_task = Math.Round(1000 / waveRate - 1000 / plainRate, 3) }));

        var (wave, ran) = await WaveAsync(flows, "diamond", entities, minMs, maxMs);
        var work = ran.Values.Sum();
        var chain = ran.GroupBy(r => r.Key.Entity).Max(e => Chain(e.ToDictionary(x => x.Key.Task, x => x.Value)));
        var bound = Math.Max(chain, work / slots);
        var makespan = wave.MakespanSeconds!.Value;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            summary = "flows",
            entities,
            tasks = wave.Steps,
            slots,
            finished = wave.Finished,
            degraded = wave.Degraded,
            failed = wave.Failed,
            makespan_s = Math.Round(makespan, 2),
            total_work_s = Math.Round(work, 2),
            longest_chain_s = Math.Round(chain, 3),
            lower_bound_s = Math.Round(bound, 2),
            makespan_per_lower_bound = Math.Round(makespan / bound, 3),
            tasks_per_s = Math.Round(wave.Steps / makespan, 1),
            noop_wave_tasks_per_s = Math.Round(waveRate, 1),
            noop_plain_tasks_per_s = Math.Round(plainRate, 1),
            noop_wave_per_plain = Math.Round(waveRate / plainRate, 3),
            wave_overhead_ms_per_task = Math.Round(1000 / waveRate - 1000 / plainRate, 3),
            goal = "makespan_per_lower_bound <= 1.15",
        }));
        await host.StopAsync();
    }

    private static readonly string[] Branches = ["b1", "b2", "b3", "b4"];

    private static double Chain(Dictionary<string, double> runs) => runs["load"] + Branches.Max(b => runs[b]) + runs["join"];

    private static async Task<(WaveStatus Wave, ConcurrentDictionary<(string Entity, string Task), double> Ran)> WaveAsync(
        ISurgeFlows flows, string name, int entities, int minMs, int maxMs)
    {
        var payload = $$"""{"min_ms": {{minMs}}, "max_ms": {{maxMs}}}""";
        var builder = new FlowBuilder($"bench-{name}").Task("load", FlowSimHandler.TypeName, "v1", output: "raw", payload: payload);
        foreach (var b in Branches) builder.Task(b, FlowSimHandler.TypeName, "v1", output: b, inputs: ["raw"], payload: payload);
        var flow = await flows.RegisterAsync(builder.Task("join", FlowSimHandler.TypeName, "v1", output: "joined", inputs: Branches, payload: payload).Build());
        var state = $"bench-{name}-{entities}";
        // Pipe keys name no flow (a pipe is a data unit any flow may read), so each wave here has entities of its own.
        await flows.AddToStateAsync(state, Enumerable.Range(0, entities).Select(i => $"{name}-{i}"));
        var id = $"{name}.{Guid.NewGuid().ToString("N")[..8]}";
        var ran = FlowSimHandler.Ran.GetOrAdd(id, _ => new());
        var started = Stopwatch.GetTimestamp();
        await flows.StartWaveAsync(new WaveRequest(flow.Name, state, WaveId: id));
        var done = await flows.WaitWaveAsync(id, TimeSpan.FromHours(1));
        Console.WriteLine(JsonSerializer.Serialize(new { bench = "flows_wave", wave = id, entities, tasks = done.Steps, finished = done.Finished, degraded = done.Degraded, failed = done.Failed,
            makespan_s = done.MakespanSeconds, critical_path_s = done.CriticalPathSeconds, wall_s = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 2) }));
        return (done, ran);
    }

    private static async Task<double> PlainAsync(ISurgeClient client, int tasks)
    {
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = 2_000 },
            async (i, _) => await client.RunAsync(TaskSpec.Create(SimulateHandler.TypeName, "{}")));
        return tasks / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Sleeps a duration drawn from the entity and task (the same in every run), and records how long it really ran.</summary>
    private sealed class FlowSimHandler(TimeProvider time) : ITaskHandler
    {
        public const string TypeName = "flowsim";
        public static readonly ConcurrentDictionary<string, ConcurrentDictionary<(string, string), double>> Ran = new();

        public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(TaskContext context, CancellationToken cancellationToken)
        {
            var step = context.Flow!;
            using var payload = JsonDocument.Parse(context.Payload);
            var (min, max) = (payload.RootElement.GetProperty("min_ms").GetInt32(), payload.RootElement.GetProperty("max_ms").GetInt32());
            var ms = min + (int)(Fnv($"{step.Entity}/{step.Task}") % (uint)(max - min + 1));
            var started = time.GetTimestamp();
            if (ms > 0) await Task.Delay(ms, cancellationToken);
            Ran.GetOrAdd(step.Wave, _ => new())[(step.Entity, step.Task)] = time.GetElapsedTime(started).TotalSeconds;
            return Encoding.UTF8.GetBytes($"{step.Task}:{ms}");
        }

        private static uint Fnv(string s)
        {
            var hash = 2166136261u;
            foreach (var c in s) hash = (hash ^ c) * 16777619u;
            return hash;
        }
    }
}
