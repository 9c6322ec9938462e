using Surge.Replay;

namespace Surge.Cli.Commands;

internal static class ReplayCommand
{
    public static async Task<int> RunAsync(CliArgs args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        args.RejectUnknown("out", "results", "producers", "allocate", "gateway", "embedded", "model");
        if (args.Get("model") is { } model)
        {
            if (!args.Has("embedded")) throw new UsageException("--model needs --embedded: a running silo loads its model from Surge:Predictor:ModelPath");
            if (!File.Exists(model)) throw new UsageException($"--model {model}: no such file; train one with 'surge train'");
            args.ConfigOverrides.Add($"--Surge:Predictor:ModelPath={Path.GetFullPath(model)}");
        }
        if (args.Positional.Count != 1) throw new UsageException("replay takes one workload file, e.g. surge replay samples/mixed.jsonl --out report.json");
        var output = args.Require("out", "name the report file, e.g. --out report.json");
        var options = new ReplayOptions { Producers = args.GetInt("producers", 4, 1, 256), Allocate = args.Has("allocate") };
        var workload = WorkloadReader.Read(args.Positional[0]); // read before connecting: a bad file fails fast

        await using var connection = await SurgeConnection.OpenAsync(args, cancellationToken);
        var (report, results) = await ReplayRun.RunWithResultsAsync(connection.Client, workload, Path.GetFileName(args.Positional[0]), options,
            new ProgressBar(stderr), cancellationToken);
        if (args.Get("results") is { } resultsPath) await ResultsFile.WriteAsync(resultsPath, results, cancellationToken);
        await File.WriteAllTextAsync(output, report.ToJson(indented: true) + Environment.NewLine, cancellationToken);
        stdout.WriteLine(report.ToJson());
        return report.Completed + report.Failed + report.Rejected == report.Tasks ? SurgeCli.Ok : SurgeCli.Failed;
    }
}
