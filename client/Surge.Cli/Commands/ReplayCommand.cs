using System.CommandLine;
using Surge.Cli.CommandLine;
using Surge.Replay;
using Surge.Replay.Reports;

namespace Surge.Cli.Commands;

/// <summary><c>surge replay</c>: submits a workload at its arrival times, follows every task, and writes a report.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
    {
        var workload = new Argument<string>("WORKLOAD.jsonl") { Description = "the workload to replay (surge workload generate or from-history makes one)" };
        var output = CliOptions.RequiredOutputFile("--out", "REPORT.json", "the report to write; it is also printed as one JSON line");
        var results = CliOptions.OutputFile("--results", "TASKS.jsonl", "also write every task's final status, one JSON object a line");
        var producers = CliOptions.Int("--producers", 4, 1, 256, "concurrent submitters");
        var allocate = CliOptions.Flag("--allocate", "simulated tasks really allocate their memory_mb");
        var model = CliOptions.Text("--model", "MODEL.zip", "with --embedded: the embedded silo routes with this model (surge train)");
        var html = CliOptions.OutputFile("--html", "REPORT.html", "also write the report as a page: sojourn CDFs, queue and concurrency over time, misrouted tasks");
        var command = new Command("replay", "replay a workload against the cluster and report latencies, throughput and routing")
            { workload, output, results, producers, allocate, model, html };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = connection.Read(result, context);
            if (result.GetValue(model) is { } modelPath)
            {
                if (!settings.Embedded) throw new UsageException("--model needs --embedded: a running silo loads its model from Surge:Predictor:ModelPath");
                if (!File.Exists(modelPath)) throw new UsageException($"--model {modelPath}: no such file; train one with 'surge train'");
                settings = settings with { ConfigOverrides = [.. settings.ConfigOverrides, $"--Surge:Predictor:ModelPath={Path.GetFullPath(modelPath)}"] };
            }
            var path = result.GetRequiredValue(workload);
            var options = new ReplayOptions { Producers = result.GetValue(producers), Allocate = result.GetValue(allocate) };
            // Read and checked as the cluster checks a task before connecting: a bad file fails fast, naming its line.
            var tasks = WorkloadReader.Replayable(WorkloadReader.Read(path), Path.GetFileName(path));

            await using var surge = await SurgeConnection.OpenAsync(settings, cancellationToken);
            var (report, finals) = await ReplayRun.RunWithResultsAsync(surge.Client, tasks, Path.GetFileName(path), options,
                ProgressBars.Replay(context.Stderr), cancellationToken);
            context.Stdout.WriteLine(report.ToJson()); // first: a file that cannot be written (a full disk) does not lose the run's report
            await File.WriteAllTextAsync(result.GetRequiredValue(output), report.ToJson(indented: true) + Environment.NewLine, cancellationToken);
            if (result.GetValue(results) is { } resultsPath) await ResultsFile.WriteAsync(resultsPath, finals, cancellationToken);
            if (result.GetValue(html) is { } htmlPath)
                await ReplayHtml.Build($"surge replay {report.Workload}", [new ReplayRunResults(report.Mode, report, finals)]).WriteAsync(htmlPath, cancellationToken);
            return report.Completed + report.Failed + report.Rejected == report.Tasks ? SurgeCli.Ok : SurgeCli.Failed;
        });
        return command;
    }
}
