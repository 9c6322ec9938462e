using System.Globalization;
using System.Text.Json;
using Surge.Cli.CommandLine;
using Surge.Cli.Output;

namespace Surge.Cli.Commands;

internal static class StatusFormat
{
    public static void Write(TextWriter w, OutputFormat format, TaskStatus s)
    {
        if (format == OutputFormat.Json) w.WriteLine(JsonSerializer.Serialize(TaskView.Of(s), CliJsonContext.Default.TaskView));
        else Write(w, s);
    }

    public static void WriteList(TextWriter w, OutputFormat format, IReadOnlyList<TaskStatus> tasks)
    {
        if (format == OutputFormat.Json) w.WriteLine(JsonSerializer.Serialize(tasks.Select(TaskView.Of).ToArray(), CliJsonContext.Default.TaskViewArray));
        else WriteList(w, tasks);
    }

    public static void Write(TextWriter w, TaskStatus s)
    {
        w.WriteLine($"id:        {s.Id}");
        w.WriteLine($"type:      {s.Type}");
        w.WriteLine($"state:     {s.State}");
        if (s.Entity is not null) w.WriteLine($"entity:    {s.Entity} {s.Event}");
        w.WriteLine($"pool:      {s.Pool?.Name() ?? "-"}");
        w.WriteLine($"predicted: {Ms(s.PredictedMs)}   actual: {Ms(s.ActualMs)}");
        w.WriteLine($"submitted: {s.SubmittedAt:O}");
        w.WriteLine($"started:   {s.StartedAt?.ToString("O") ?? "-"}");
        w.WriteLine($"finished:  {s.FinishedAt?.ToString("O") ?? "-"}");
        w.WriteLine($"attempts:  {s.Attempts}");
        if (s.NextAttemptAt is { } next) w.WriteLine($"next try:  {next:O}");
        if (s.DeadLettered) w.WriteLine("dead:      yes (surge dead retry|purge)");
        if (s.Error is not null) w.WriteLine($"error:     {s.Error}");
        if (!s.Result.IsEmpty) w.WriteLine($"result:    {System.Text.Encoding.UTF8.GetString(s.Result.Span)}");
    }

    public static void WriteList(TextWriter w, IReadOnlyList<TaskStatus> tasks)
    {
        w.WriteLine($"{"ID",-34} {"TYPE",-14} {"STATE",-9} {"ATTEMPTS",8} {"FINISHED (UTC)",-20} ERROR");
        foreach (var t in tasks)
            w.WriteLine($"{t.Id,-34} {t.Type,-14} {t.State,-9} {t.Attempts,8} {t.FinishedAt?.ToString("yyyy-MM-dd HH:mm:ss") ?? "-",-20} {t.Error}");
        if (tasks.Count == 0) w.WriteLine("(none)");
    }

    public static void WritePools(TextWriter w, IReadOnlyList<PoolStats> pools)
    {
        w.WriteLine($"{"SILO",-28} {"POOL",-7} {"QUEUED",7} {"RUNNING",8} {"LIMIT",6} {"MIN-MAX",9} {"DONE",9} {"OLDEST",9}");
        foreach (var p in pools)
            w.WriteLine($"{p.Silo,-28} {p.Pool.Name(),-7} {p.Queued,7} {p.Running,8} {p.Limit,6} {$"{p.Min}-{p.Max}",9} {p.Completed,9} {Ms(p.OldestWaitMs),9}");
        if (pools.Count == 0) w.WriteLine("(no active silo)");
    }

    private static string Ms(double? ms) => ms is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.#} ms") : "-";
}
