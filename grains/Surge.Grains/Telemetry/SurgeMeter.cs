using System.Diagnostics.Metrics;

namespace Surge.Telemetry;

/// <summary>
/// Surge's instruments on the <c>Surge</c> meter. Names follow OpenTelemetry's conventions; the Prometheus exporter
/// turns them into <c>surge_tasks_finished_total</c>, <c>surge_task_run_duration_seconds</c> and so on.
/// </summary>
public static class SurgeMeter
{
    /// <summary>The meter's name: add it to your own OpenTelemetry setup (<c>AddMeter(SurgeMeter.Name)</c>) to export Surge's metrics.</summary>
    public const string Name = "Surge";

    internal static readonly Meter Meter = new(Name);

    /// <summary>Tasks that reached a final state on this silo, by pool and state.</summary>
    internal static readonly Counter<long> TasksFinished = Meter.CreateCounter<long>("surge.tasks.finished", "{task}", "Tasks run to a final state, by pool and state");

    /// <summary>Autoscale decisions applied (or attempted), by kind: concurrency or replicas.</summary>
    internal static readonly Counter<long> AutoscaleDecisions = Meter.CreateCounter<long>("surge.autoscale.decisions", "{decision}", "Autoscale decisions, by kind");

    /// <summary>Time from queueing to start, by pool and type.</summary>
    internal static readonly Histogram<double> WaitDuration = Meter.CreateHistogram<double>("surge.task.wait.duration", "s", "Time a task waited in its pool's queue");

    /// <summary>Time from submission to a final state, by pool and type: what the caller waited.</summary>
    internal static readonly Histogram<double> SojournDuration = Meter.CreateHistogram<double>("surge.task.sojourn.duration", "s", "Time from submission to a final state");

    /// <summary>Actual over predicted duration of a finished task, by type and model_version: 1 is a perfect prediction.</summary>
    internal static readonly Histogram<double> PredictionRatio = Meter.CreateHistogram("surge.prediction.ratio", null,
        "Actual duration over predicted duration", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 0.8, 1.25, 2, 4] });

    /// <summary>Finished tasks by pool, whether the pool they were routed to matched their actual duration, and model_version.</summary>
    internal static readonly Counter<long> Routed = Meter.CreateCounter<long>("surge.routing.outcomes", "{task}", "Finished tasks by pool and whether their actual duration belonged there");

    /// <summary>Failed attempts that will run again, by type.</summary>
    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>("surge.task.retries", "{attempt}", "Failed attempts scheduled to run again, by type");

    /// <summary>Tasks that failed for good and were dead-lettered, by type.</summary>
    internal static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("surge.task.dead_letters", "{task}", "Tasks dead-lettered, by type");

    /// <summary>Tasks dead-lettered as poison because their silo kept stopping while they ran, by type.</summary>
    internal static readonly Counter<long> Poisoned = Meter.CreateCounter<long>("surge.task.poisoned", "{task}", "Tasks dead-lettered as poison: their silo stopped too often while running them");

    internal static readonly Counter<long> PipeWritesRefused = Meter.CreateCounter<long>("surge.pipe.writes_refused", "{write}", "Pipe writes refused because the pipe existed with other bytes, by flow and task");

    /// <summary>Client calls refused by the access filter, by interface and the role they needed ("none": internal to the silos).</summary>
    internal static readonly Counter<long> AccessDenied = Meter.CreateCounter<long>("surge.access.denied", "{call}", "Client calls refused: internal to the silos, or the caller's role too low");

    /// <summary>Result cache lookups of deterministic types, by type and outcome (hit or miss; a cache that cannot be reached is a miss).</summary>
    internal static readonly Counter<long> ResultCacheRequests = Meter.CreateCounter<long>("surge.result_cache.requests", "{request}",
        "Result cache lookups, by type and outcome (hit, miss)");

    /// <summary>Handler run time, by pool and type.</summary>
    internal static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("surge.task.run.duration", "s", "Time a task's handler ran");
}
