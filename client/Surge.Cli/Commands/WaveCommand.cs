using System.Collections.Immutable;
using System.CommandLine;
using System.Text.Json;
using Surge.Cli.CommandLine;
using Surge.Cli.Output;
using Surge.Client;
using Surge.Flows;

namespace Surge.Cli.Commands;

/// <summary><c>surge wave start FLOW --state NAME … | status WAVE | compare WAVE --task TASK | list</c>.</summary>
internal static class WaveCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
        => new("wave", "runs of a flow over every entity of a state")
        {
            Start(context, connection), Status(context, connection), Compare(context, connection), List(context, connection),
        };

    private static Command Start(CliContext context, ConnectionOptions connection)
    {
        var flow = new Argument<string>("FLOW") { Description = "a registered flow" };
        var state = CliOptions.Required("--state", "NAME", "the state whose entities the wave runs for");
        var date = CliOptions.Text("--date", "D", "the data's date in pipe keys: yyyy-MM-dd or yyyy-MM-ddTHH (default today, UTC)");
        var versions = CliOptions.Many("--version", "TASK=V", "run TASK in version V instead of the flow's; repeat for versions side by side");
        var id = CliOptions.Text("--id", "WAVE", "the wave's id (idempotency key; default generated)");
        var wait = CliOptions.Flag("--wait", "wait until every entity is done, with a progress bar on stderr; exit 1 if a step failed");
        var report = CliOptions.OutputFile("--out", "REPORT.json", "with --wait, write the report: counts, makespan and critical path");
        var output = CliOptions.Output();
        var command = new Command("start", "start a wave: the flow for every entity of the state, each task on the normal task path")
            { flow, state, date, versions, id, wait, report, output };
        connection.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(report) is not null && !r.GetValue(wait)) r.AddError("--out needs --wait: the report is written once the wave is done");
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var request = new WaveRequest(result.GetRequiredValue(flow), result.GetRequiredValue(state), result.GetValue(date),
                Versions(result.GetValue(versions) ?? []), result.GetValue(id));
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var status = await surge.Flows.StartWaveAsync(request, cancellationToken);
            if (!result.GetValue(wait))
            {
                Write(context.Stdout, result.GetFormat(output), status);
                return SurgeCli.Ok;
            }
            return await WaitAsync(context, surge.Flows, status.Wave, result.GetFormat(output), result.GetValue(report), cancellationToken);
        });
        return command;
    }

    private static Command Status(CliContext context, ConnectionOptions connection)
    {
        var wave = new Argument<string>("WAVE") { Description = "the wave's id" };
        var wait = CliOptions.Flag("--wait", "wait until it is done, with a progress bar on stderr; exit 1 if a step failed");
        var report = CliOptions.OutputFile("--out", "REPORT.json", "with --wait, write the report");
        var output = CliOptions.Output();
        var command = new Command("status", "a wave's counts per task and state; exit 1 if no wave has that id") { wave, wait, report, output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var id = result.GetRequiredValue(wave);
            if (result.GetValue(wait)) return await WaitAsync(context, surge.Flows, id, result.GetFormat(output), result.GetValue(report), cancellationToken);
            Write(context.Stdout, result.GetFormat(output), await surge.Flows.GetWaveAsync(id, cancellationToken) ?? throw new KeyNotFoundException($"no wave '{id}'"));
            return SurgeCli.Ok;
        });
        return command;
    }

    private static Command Compare(CliContext context, ConnectionOptions connection)
    {
        var wave = new Argument<string>("WAVE") { Description = "the wave's id" };
        var task = CliOptions.Required("--task", "TASK", "a task the wave ran in two versions");
        var versions = CliOptions.Text("--versions", "A,B", "the two versions to compare (default the first two the wave ran)");
        var output = CliOptions.Output();
        var command = new Command("compare", "per entity, whether two versions of a task wrote equal outputs") { wave, task, versions, output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var pair = result.GetValue(versions)?.Split(',', StringSplitOptions.TrimEntries);
            if (pair is { Length: not 2 }) throw new CliException("--versions takes two versions, e.g. v1,v2");
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var comparison = await surge.Flows.CompareAsync(result.GetRequiredValue(wave), result.GetRequiredValue(task), pair?[0], pair?[1], cancellationToken);
            CliOutput.Write(context.Stdout, result.GetFormat(output), comparison, CliJsonContext.Default.WaveComparison, static (w, c) =>
            {
                w.WriteLine($"{c.Task} {c.VersionA} vs {c.VersionB} over {c.Entities} entities: {c.Equal} equal, {c.Differ} differ, {c.Missing} missing an output");
                foreach (var entity in c.Differing) w.WriteLine($"  differs: {entity}");
            });
            return SurgeCli.Ok;
        });
        return command;
    }

    private static Command List(CliContext context, ConnectionOptions connection)
    {
        var max = CliOptions.Int("--max", 20, 1, 200, "at most this many, latest first");
        var command = new Command("list", "the latest waves") { max };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var waves = await surge.Flows.ListWavesAsync(result.GetValue(max), cancellationToken);
            context.Stdout.WriteLine($"{"WAVE",-40} {"FLOW",-16} {"STATE",-16} {"DATE",-13} {"DONE",-13} FAILED");
            foreach (var w in waves)
                context.Stdout.WriteLine($"{w.Wave,-40} {w.Flow,-16} {w.State,-16} {w.Date,-13} {$"{w.EntitiesDone}/{w.Entities}",-13} {w.Failed}");
            if (waves.Length == 0) context.Stdout.WriteLine("(none)");
            return SurgeCli.Ok;
        });
        return command;
    }

    private static async Task<int> WaitAsync(CliContext context, ISurgeFlows flows, string wave, OutputFormat format, string? report, CancellationToken cancellationToken)
    {
        var done = await flows.WaitWaveAsync(wave, progress: ProgressBars.Wave(context.Stderr), cancellationToken: cancellationToken);
        if (report is not null) await File.WriteAllTextAsync(report, Report(done), cancellationToken);
        Write(context.Stdout, format, done);
        if (done.Failed == 0) return SurgeCli.Ok;
        context.Stderr.WriteLine($"surge: {done.Failed} of {done.Steps} steps failed in wave {done.Wave}");
        return SurgeCli.Failed;
    }

    /// <summary>The report <c>--out</c> writes: what a wave did, in the keys scripts read.</summary>
    internal static string Report(WaveStatus w)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("wave", w.Wave);
            json.WriteString("flow", w.Flow);
            json.WriteNumber("entities", w.Entities);
            json.WriteNumber("tasks", w.Steps);
            json.WriteNumber("finished", w.Finished);
            json.WriteNumber("degraded", w.Degraded);
            json.WriteNumber("failed", w.Failed);
            json.WriteNumber("makespan_s", Math.Round(w.MakespanSeconds ?? 0, 3));
            json.WriteNumber("critical_path_s", Math.Round(w.CriticalPathSeconds ?? 0, 3));
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static ImmutableDictionary<string, ImmutableArray<string>>? Versions(string[] given)
    {
        if (given.Length == 0) return null;
        var versions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in given)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0 || eq == pair.Length - 1) throw new CliException($"--version '{pair}' is not TASK=VERSION, e.g. score=v2");
            (versions.TryGetValue(pair[..eq], out var list) ? list : versions[pair[..eq]] = []).Add(pair[(eq + 1)..]);
        }
        return versions.ToImmutableDictionary(v => v.Key, v => v.Value.ToImmutableArray());
    }

    private static void Write(TextWriter w, OutputFormat format, WaveStatus status)
        => CliOutput.Write(w, format, status, CliJsonContext.Default.WaveStatus, static (w, s) =>
        {
            w.WriteLine($"wave {s.Wave}: flow {s.Flow} over state {s.State} ({s.Entities} entities), date {s.Date}");
            w.WriteLine($"{"TASK",-16} {"VERSION",-8} {"PENDING",8} {"RUNNING",8} {"FINISHED",9} {"DEGRADED",9} {"FAILED",7}");
            foreach (var t in s.Tasks)
                w.WriteLine($"{t.Task,-16} {t.Version,-8} {t.Pending,8} {t.Running,8} {t.Finished,9} {t.Degraded,9} {t.Failed,7}");
            w.WriteLine(s.IsDone
                ? $"done in {s.MakespanSeconds:F1} s (critical path {s.CriticalPathSeconds:F1} s)"
                : $"running: {s.EntitiesDone} of {s.Entities} entities done");
        });
}
