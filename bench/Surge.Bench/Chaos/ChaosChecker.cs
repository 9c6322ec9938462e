namespace Surge.Bench.Chaos;

/// <summary>
/// Checks every submission against the promise once the run is quiet. The definitions travel with the output
/// (<see cref="Definitions"/>); counters are zero when the promise held.
/// </summary>
internal static class ChaosChecker
{
    /// <summary>A refusal this long after a heal still counts as during the cut: the silos' Redis clients reconnect.</summary>
    public static readonly TimeSpan CutGrace = TimeSpan.FromSeconds(2);

    /// <summary>MaxAttempts (the policy default, 1: the workload sets none) + Surge:Tasks:MaxCrashRecoveries (default 3).</summary>
    public const int RunBound = 1 + 3;

    public static readonly IReadOnlyDictionary<string, string> Definitions = new Dictionary<string, string>
    {
        ["submitted"] = "workload tasks submitted at least once (mixed + ordered; recovery probes not included)",
        ["acknowledged"] = "tasks whose SubmitAsync returned",
        ["refused"] = "SubmitAsync calls that threw (the task was submitted again with the same id 500 ms later, until 30 s after the end); during_redis_cut: the call's interval met a cut window extended by 2 s after the heal; during_partition (--partitions): it met a window from a silo's cut off from the others until it served again (healed, or restarted after it stopped itself), extended by 2 s; during_redis_stall, during_slow_links (--faults stall, slow): it met a window in which Redis was stalled or the links slow, extended by 2 s; otherwise: none of these",
        ["lost"] = "acknowledged, and at the check (60 s after the producers stopped) unknown to the cluster or not final",
        ["changed_outcomes"] = "tasks whose first final status a producer read (state, finished_at, attempts) differs from the status at the check",
        ["excess_runs"] = "sum over tasks of max(0, runs in the run log - (MaxAttempts 1 + MaxCrashRecoveries 3))",
        ["ordering_violations"] = "entity events (after: X, or sequence n-1) with a run that started before the last run of a predecessor ended (run log; a run that died with its silo ends at the kill)",
        ["overlapping_entity_runs"] = "pairs of runs of the same entity whose [start, end) intervals intersect, reruns of one task included",
        ["cancels"] = "the seeded share of acknowledged tasks cancelled 0-2 s after their acknowledgment (--cancels, default 0.02): asked, answered Cancelled, answered another final state (already final), cancel calls refused (each asked again 500 ms later), never answered",
        ["cancel_answers_broken"] = "cancels of acknowledged tasks answered 'unknown', or with a state that is not final, or with a final status (state, finished_at, attempts) that differs from the status at the check",
        ["started_after_cancel"] = "tasks whose cancel answered Cancelled with a run that started (run log) after the answer arrived",
        ["dead_letters"] = "the seeded share of tasks submitted with a payload their handler cannot read (--fails, default 0.01): acknowledged, read dead-lettered, whose dead letter was retried once (RetryDeadLetterAsync, asked again 500 ms after a refusal), and read final again after it; a retried task's runs may be the bound once more for each retry call (refused ones included: one may have been stored), its status at the check must be the final read after the retry, and its runs past the dead letter's attempts do not count as a predecessor's",
        ["stuck"] = "tasks the cluster knows (acknowledged or not) that are not final 60 s after the producers stopped",
        ["unavailable_s"] = "seconds of the run (1 s buckets) in which at least one submission call that was refused was in flight",
        ["refusal_causes"] = "refusals by window and cause (the exception, its inner exception and the first words of its message), each with one whole example",
        ["kill_to_recovery_p99_s"] = "p99 over kill -9s of the time until a probe submission to every one of the 256 task shards succeeded again (null if a kill never recovered within 120 s)",
    };

    public static Dictionary<string, object?> Check(Submission[] submissions, IReadOnlyDictionary<string, TaskStatus?> atEnd, List<Run> runs,
        FaultJournal journal, IReadOnlyList<Refusal> refusals, double?[] recoveries)
    {
        var examples = new Dictionary<string, List<string>>();
        void Example(string counter, string id)
        {
            if (!examples.TryGetValue(counter, out var list)) examples[counter] = list = [];
            if (list.Count < 5) list.Add(id);
        }

        var lost = 0;
        var changed = 0;
        var stuck = 0;
        foreach (var s in submissions)
        {
            var final = atEnd.GetValueOrDefault(s.Task.Id);
            if (s.Acknowledged && final is not { IsFinal: true }) { lost++; Example("lost", s.Task.Id); }
            if (final is { IsFinal: false }) { stuck++; Example("stuck", $"{s.Task.Id} {final.State}"); }
            // A dead letter changes when an operator retries it: the final state read after the retry is what must stand
            // (a retry call that was refused may have been stored all the same).
            if ((s.MayBeRetried ? s.FinalAfterRetry : s.FirstFinal) is { } seen && (final is null || final.State != seen.State || final.FinishedAt != seen.FinishedAt || final.Attempts != seen.Attempts))
            {
                changed++;
                Example("changed_outcomes", $"{s.Task.Id} {seen.State}/{seen.Attempts} -> {final?.State}/{final?.Attempts}");
            }
        }

        var runsByTask = runs.GroupBy(r => r.Task).ToDictionary(g => g.Key, g => g.ToList());

        var brokenCancels = 0;
        var startedAfterCancel = 0;
        foreach (var s in submissions.Where(s => s.Acknowledged && s.CancelAnsweredAt > 0))
        {
            var answer = s.CancelAnswer;
            var final = atEnd.GetValueOrDefault(s.Task.Id);
            if (answer is not { IsFinal: true } || final is null || final.State != answer.State || final.FinishedAt != answer.FinishedAt || final.Attempts != answer.Attempts)
            {
                brokenCancels++;
                Example("cancel_answers_broken", $"{s.Task.Id} {answer?.State.ToString() ?? "unknown"}/{answer?.Attempts} -> {final?.State}/{final?.Attempts}");
            }
            if (answer is { State: TaskState.Cancelled } && runsByTask.GetValueOrDefault(s.Task.Id)?.FirstOrDefault(r => r.Start > s.CancelAnsweredAt) is { } late)
            {
                startedAfterCancel++;
                Example("started_after_cancel", $"{s.Task.Id} #{late.Attempt}@{late.Silo} started {late.Start - s.CancelAnsweredAt} ms after its cancel answered");
            }
        }
        var budgets = submissions.Where(s => s.MayBeRetried).ToDictionary(s => s.Task.Id, s => 2 + s.RetryRefused);
        var excess = 0;
        // Retried dead letters, with the attempts of the dead letter first read: runs past them are the retry's.
        var retried = submissions.Where(s => s.MayBeRetried).ToDictionary(s => s.Task.Id, s => s.FirstFinal!.Attempts);
        foreach (var (task, taskRuns) in runsByTask)
        {
            // Each retry of a dead letter is a budget of its own; a refused retry call may have been stored all the same.
            var bound = budgets.TryGetValue(task, out var n) ? n * RunBound : RunBound;
            if (taskRuns.Count <= bound) continue;
            excess += taskRuns.Count - bound;
            Example("excess_runs", $"{task} ran {taskRuns.Count} times");
        }

        var ordering = 0;
        foreach (var entity in submissions.Select(s => s.Task).Where(t => t.Entity is not null).GroupBy(t => t.Entity!))
        {
            foreach (var t in entity)
            {
                if (!runsByTask.TryGetValue(t.Id, out var own)) continue;
                var predecessors = entity.Where(p => (t.After is not null && p.Event == t.After) || (t.Sequence is { } n && p.Sequence == n - 1));
                // A predecessor's runs for its dead letter's retry come after its successors by design. Told by attempt,
                // not time: a retry's run may start before its caller hears the answer, or after a refused call that was stored.
                var predecessorEnd = predecessors.SelectMany(p => (runsByTask.GetValueOrDefault(p.Id) ?? []).Where(r => !retried.TryGetValue(p.Id, out var before) || r.Attempt <= before))
                    .Select(r => r.End).DefaultIfEmpty(long.MinValue).Max();
                if (own.Any(r => r.Start < predecessorEnd)) { ordering++; Example("ordering_violations", t.Id); }
            }
        }

        var overlaps = 0;
        foreach (var entity in runs.Where(r => r.Entity is not null).GroupBy(r => r.Entity!))
        {
            var sorted = entity.OrderBy(r => r.Start).ToList();
            for (var i = 0; i < sorted.Count; i++)
            {
                for (var j = i + 1; j < sorted.Count && sorted[j].Start < sorted[i].End; j++)
                {
                    overlaps++;
                    Example("overlapping_entity_runs", $"{sorted[i].Task}#{sorted[i].Attempt}@{sorted[i].Silo} and {sorted[j].Task}#{sorted[j].Attempt}@{sorted[j].Silo}");
                }
            }
        }

        var grace = (long)CutGrace.TotalMilliseconds;
        // A refusal counts in the first window it meets, in this order.
        var windows = new (string Name, IReadOnlyList<(long From, long To)> Spans)[]
        {
            ("during_redis_cut", journal.Cuts), ("during_partition", journal.Partitions), ("during_redis_stall", journal.Stalls), ("during_slow_links", journal.Slows),
        };
        bool Meets(Refusal r, IReadOnlyList<(long From, long To)> spans) => spans.Any(c => r.To >= c.From && r.From <= c.To + grace);
        string Window(Refusal r) => windows.FirstOrDefault(w => Meets(r, w.Spans)).Name ?? "otherwise";
        foreach (var r in refusals.Where(r => Window(r) == "otherwise").Take(5))
            Example("refused_otherwise", $"{r.Task} at {(r.From - journal.Start.ToUnixTimeMilliseconds()) / 1000.0:F1}-{(r.To - journal.Start.ToUnixTimeMilliseconds()) / 1000.0:F1} s: {r.Error}");
        var causes = refusals.GroupBy(r => $"{Window(r)}: {Cause(r.Error)}")
            .OrderByDescending(g => g.Count())
            .ToDictionary(g => g.Key, g => (object)new Dictionary<string, object> { ["count"] = g.Count(), ["example"] = g.First().Error });
        var startMs = journal.Start.ToUnixTimeMilliseconds();
        var unavailable = refusals.SelectMany(r => Enumerable.Range(0, (int)((r.To - startMs) / 1000 - (r.From - startMs) / 1000) + 1).Select(i => (r.From - startMs) / 1000 + i)).Distinct().Count();

        var recovered = recoveries.Where(r => r is not null).Select(r => r!.Value).ToList();
        double? p99 = recovered.Count < recoveries.Length ? null : Percentiles.Of(recovered, 0.99); // 0 with no kills

        return new Dictionary<string, object?>
        {
            ["submitted"] = submissions.Length,
            ["acknowledged"] = submissions.Count(s => s.Acknowledged),
            ["refused"] = new Dictionary<string, int>
            {
                ["during_redis_cut"] = refusals.Count(r => Window(r) == "during_redis_cut"),
                ["during_partition"] = refusals.Count(r => Window(r) == "during_partition"),
                ["during_redis_stall"] = refusals.Count(r => Window(r) == "during_redis_stall"),
                ["during_slow_links"] = refusals.Count(r => Window(r) == "during_slow_links"),
                ["otherwise"] = refusals.Count(r => Window(r) == "otherwise"),
                ["tasks"] = refusals.Select(r => r.Task).Distinct().Count(),
                ["never_acknowledged"] = submissions.Count(s => !s.Acknowledged),
            },
            ["lost"] = lost,
            ["changed_outcomes"] = changed,
            ["cancels"] = new Dictionary<string, int>
            {
                ["asked"] = submissions.Count(s => s.Acknowledged && s.CancelAfterMs is not null),
                ["answered_cancelled"] = submissions.Count(s => s.CancelAnswer is { State: TaskState.Cancelled }),
                ["answered_already_final"] = submissions.Count(s => s.CancelAnswer is { IsFinal: true, State: not TaskState.Cancelled }),
                ["refused_calls"] = submissions.Sum(s => s.CancelRefused),
                ["never_answered"] = submissions.Count(s => s.Acknowledged && s.CancelAfterMs is not null && s.CancelAnsweredAt == 0),
            },
            ["cancel_answers_broken"] = brokenCancels,
            ["dead_letters"] = new Dictionary<string, int>
            {
                ["submitted_to_fail"] = submissions.Count(s => s.Fails && s.Acknowledged),
                ["dead_lettered"] = submissions.Count(s => s.FirstFinal is { DeadLettered: true }),
                ["retried"] = submissions.Count(s => s.RetriedAt > 0),
                ["final_after_retry"] = submissions.Count(s => s.FinalAfterRetry is not null),
                ["retry_refused_calls"] = submissions.Sum(s => s.RetryRefused),
            },
            ["started_after_cancel"] = startedAfterCancel,
            ["excess_runs"] = excess,
            ["ordering_violations"] = ordering,
            ["overlapping_entity_runs"] = overlaps,
            ["stuck"] = stuck,
            ["unavailable_s"] = unavailable,
            ["kill_to_recovery_p99_s"] = p99,
            ["kill_to_recovery_s"] = recoveries,
            ["runs"] = new Dictionary<string, int>
            {
                ["logged"] = runs.Count,
                ["died_with_silo"] = runs.Count(r => !r.Ended),
                ["still_running"] = runs.Count(r => r.End == long.MaxValue),
                ["tasks_run_more_than_once"] = runsByTask.Count(t => t.Value.Count > 1),
            },
            ["invalid"] = submissions.Count(s => s.Invalid is not null),
            ["unknown_after_ack"] = submissions.Count(s => s.UnknownAfterAck > 0),
            ["refusal_causes"] = causes,
            ["examples"] = examples,
        };
    }

    // A refusal's exception types and the first words of its cause's message, ids and numbers left out, so that
    // refusals for one reason count together.
    private static string Cause(string error)
    {
        var words = error.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !w.Any(char.IsDigit) && !w.Contains('\'') && !w.Contains('"'))
            .Take(12);
        return string.Join(' ', words);
    }
}
