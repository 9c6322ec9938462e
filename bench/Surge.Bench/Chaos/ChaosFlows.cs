using System.Globalization;
using Surge.Client;
using Surge.Flows;

namespace Surge.Bench.Chaos;

/// <summary>
/// What runs beside the workload in a chaos run, on paths its tasks do not take: a wave of a diamond flow (load, then
/// left and right, then join) over <see cref="Entities"/> entities started every <see cref="WaveEvery"/>, and an
/// every-second schedule. Nobody watches the waves while they run (a look at one wakes it), so the silos alone must
/// carry them through the faults. Checked once the run is quiet (<see cref="Check"/>).
/// </summary>
internal sealed class ChaosFlows(ISurgeClient surge, ISurgeFlows flows)
{
    private const string Flow = "chaos-diamond", State = "chaos-state", Schedule = "chaos-tick";
    private const int Entities = 40;
    private static readonly TimeSpan WaveEvery = TimeSpan.FromSeconds(30), Retry = TimeSpan.FromMilliseconds(500);
    private static readonly (string Task, string[] Inputs)[] Steps = [("load", []), ("left", ["load"]), ("right", ["load"]), ("join", ["left", "right"])];
    private readonly List<string> _waves = [];
    private int _refusals;

    /// <summary>Registers the flow, its state and the schedule, before any fault.</summary>
    public async Task SetUpAsync()
    {
        var flow = new FlowBuilder(Flow);
        foreach (var (task, inputs) in Steps)
            flow.Task(task, "simulate", "v1", output: $"chaos-{task}", inputs: inputs.Select(i => $"chaos-{i}"), payload: """{"duration_ms": 200}""");
        await flows.RegisterAsync(flow.Build());
        await flows.AddToStateAsync(State, Enumerable.Range(0, Entities).Select(i => $"c{i}"));
        await surge.ScheduleAsync(ScheduleSpec.Create(Schedule, "* * * * * *", "simulate", """{"duration_ms": 1}"""));
    }

    /// <summary>Starts a wave every <see cref="WaveEvery"/> until <paramref name="end"/>, each until acknowledged; then removes the schedule.</summary>
    public async Task RunAsync(DateTimeOffset start, DateTimeOffset end)
    {
        for (var k = 0; start + WaveEvery * k < end; k++)
        {
            var due = start + WaveEvery * k - DateTimeOffset.UtcNow;
            if (due > TimeSpan.Zero) await Task.Delay(due);
            var wave = $"chaos-w{k}";
            var date = new DateOnly(2026, 1, 1).AddDays(k).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture); // pipes of its own: written once per date
            await UntilAcknowledgedAsync(() => flows.StartWaveAsync(new WaveRequest(Flow, State, date, WaveId: wave)));
            _waves.Add(wave);
        }
        await UntilAcknowledgedAsync(() => surge.UnscheduleAsync(Schedule));
    }

    // Refused during a cut or a failover: asked again, as a producer resubmits (starting a wave is idempotent by its id).
    private async Task UntilAcknowledgedAsync<T>(Func<Task<T>> call)
    {
        while (true)
        {
            try
            {
                await call();
                return;
            }
            catch (SurgeValidationException)
            {
                throw;
            }
            catch (Exception)
            {
                _refusals++;
                await Task.Delay(Retry);
            }
        }
    }

    /// <summary>
    /// Once quiet: every wave done, none of its steps failed or degraded, every reader's runs started after a run of
    /// each of its producers had ended (run log), and the schedule's instants (each run once; excess runs are counted
    /// with the workload's).
    /// </summary>
    public async Task<Dictionary<string, object?>> CheckAsync(List<Run> runs, DateTimeOffset from, DateTimeOffset to)
    {
        var statuses = new List<WaveStatus?>();
        foreach (var wave in _waves) statuses.Add(await ReadAsync(wave));
        var notDone = statuses.Count(s => s is not { IsDone: true });
        // Which, and how far each had come: a slow wave and a stuck one read alike in the count (the settle tells them apart).
        var notDoneWaves = _waves.Zip(statuses).Where(w => w.Second is not { IsDone: true })
            .Select(w => w.Second is { } s ? $"{w.First}: {s.EntitiesDone}/{s.Entities} entities done, {s.Finished}/{s.Steps} steps finished" : $"{w.First}: unreadable")
            .ToArray();
        var failed = statuses.Sum(s => s is null ? 0 : s.Failed + s.Degraded);
        var finished = statuses.Sum(s => s?.Finished ?? 0);

        var byTask = runs.Where(r => r.Task.StartsWith("wave:chaos-w", StringComparison.Ordinal)).GroupBy(r => r.Task).ToDictionary(g => g.Key, g => g.ToList());
        var violations = 0;
        var examples = new List<string>();
        foreach (var wave in _waves)
        {
            for (var e = 0; e < Entities; e++)
            {
                foreach (var (task, inputs) in Steps)
                {
                    if (!byTask.TryGetValue(Id(wave, e, task), out var own)) continue;
                    foreach (var input in inputs)
                    {
                        var ended = byTask.GetValueOrDefault(Id(wave, e, input))?.Where(r => r.Ended).Select(r => r.End).DefaultIfEmpty(long.MaxValue).Min() ?? long.MaxValue;
                        if (!own.Any(r => r.Start < ended)) continue;
                        violations++;
                        if (examples.Count < 5) examples.Add($"{Id(wave, e, task)} started before any run of its input {input} ended");
                    }
                }
            }
        }

        var instants = runs.Where(r => r.Task.StartsWith($"schedule:{Schedule}:", StringComparison.Ordinal))
            .Select(r => DateTimeOffset.ParseExact(r.Task[(Schedule.Length + 10)..], "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
            .Where(i => i >= from && i <= to).Distinct().Order().ToList();
        var gaps = instants.Zip(instants.Skip(1), (a, b) => (b - a).TotalSeconds).DefaultIfEmpty(0).ToList();
        // Instants missing from the run log between the first and the last that ran: whether their tasks were recorded
        // (then the run log or the run lost them) or never submitted (the schedule collapsed them).
        var missing = instants.Count == 0 ? [] : Enumerable.Range(1, (int)(instants[^1] - instants[0]).TotalSeconds)
            .Select(s => instants[0].AddSeconds(s)).Except(instants).ToList();
        var missingRecorded = 0;
        foreach (var instant in missing)
        {
            var id = $"schedule:{Schedule}:{instant.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}";
            try
            {
                if (await surge.GetStatusAsync(id) is not null) missingRecorded++;
            }
            catch (Exception)
            {
                // unknown: counted as not recorded
            }
        }
        return new Dictionary<string, object?>
        {
            ["waves"] = _waves.Count,
            ["waves_not_done"] = notDone,
            ["waves_not_done_at_check"] = notDoneWaves,
            ["wave_steps_failed"] = failed,
            ["wave_steps_finished"] = finished,
            ["wave_order_violations"] = violations,
            ["wave_makespan_max_s"] = statuses.Where(s => s?.MakespanSeconds is not null).Select(s => Math.Round(s!.MakespanSeconds!.Value, 1)).DefaultIfEmpty(0).Max(),
            ["wave_start_refusals"] = _refusals,
            ["schedule_instants"] = instants.Count,
            ["schedule_max_gap_s"] = Math.Round(gaps.Max(), 1),
            ["schedule_missing_recorded"] = $"{missingRecorded} of {missing.Count}",
            // Where the schedule stalled, to set beside the fault schedule: seconds into the run, and how long.
            ["schedule_long_gaps"] = instants.Zip(instants.Skip(1), (a, b) => (At: (a - from).TotalSeconds, Gap: (b - a).TotalSeconds))
                .Where(g => g.Gap > 3).Select(g => $"{g.At:0}s+{g.Gap:0}s").ToArray(),
            ["flow_examples"] = examples,
        };
    }

    /// <summary>The waves not done now, each with where it stands (entities done, steps finished of all).</summary>
    public async Task<List<string>> NotDoneAsync()
    {
        var notDone = new List<string>();
        foreach (var wave in _waves)
        {
            var status = await ReadAsync(wave);
            if (status is { IsDone: true }) continue;
            notDone.Add(status is null ? $"{wave}: unreadable" : $"{wave}: {status.EntitiesDone}/{status.Entities} entities done, {status.Finished}/{status.Steps} steps finished");
        }
        return notDone;
    }

    private static string Id(string wave, int entity, string task) => $"wave:{wave}:c{entity}:{task}@v1";

    private async Task<WaveStatus?> ReadAsync(string wave)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await flows.GetWaveAsync(wave);
            }
            catch (Exception) when (attempt < 5)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (Exception)
            {
                return null;
            }
        }
    }

    /// <summary>What each counter means, for the summary's definitions.</summary>
    public static readonly IReadOnlyDictionary<string, string> Definitions = new Dictionary<string, string>
    {
        ["waves_not_done"] = $"waves of the diamond flow (one every {WaveEvery.TotalSeconds:0} s over {Entities} entities, nobody watching) not done at the check",
        ["waves_not_done_at_check"] = "each wave not done at the check, with how many of its entities were done and of its steps finished",
        ["wave_steps_failed"] = "steps of those waves that failed or ran degraded (inputs missing at their dependency timeout)",
        ["wave_order_violations"] = "a step's run that started before any run of one of its inputs' producers had ended (run log)",
        ["wave_makespan_max_s"] = "the longest wave, start to finish (about 2 s without faults)",
        ["schedule_max_gap_s"] = "longest time between consecutive instants of the every-second schedule that ran, during the run",
        ["schedule_missing_recorded"] = "of the instants missing from the run log between the first and last that ran, how many have a task record (submitted, yet not in the run log)",
        ["schedule_long_gaps"] = "gaps over 3 s between instants of the schedule that ran, as seconds into the run + the gap's length, to set beside the fault schedule",
    };
}
