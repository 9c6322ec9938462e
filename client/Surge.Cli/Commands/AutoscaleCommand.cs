using System.Globalization;
using System.CommandLine;
using Surge.Cli.CommandLine;
using Surge.Cli.Output;

namespace Surge.Cli.Commands;

/// <summary>
/// <c>surge autoscale history</c>: the autoscaler's decisions with their inputs and reasons; <c>surge autoscale
/// recommend</c>: per silo group, the pod memory request and limit its tasks call for (recommended, never applied).
/// </summary>
internal static class AutoscaleCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
    {
        var max = CliOptions.Int("--max", 50, 1, 1000, "how many decisions, newest last");
        var output = CliOptions.Output();
        var history = new Command("history", "the autoscaler's decisions, inputs and reasons") { max, output };
        connection.AddTo(history);
        history.SetAction(async (result, cancellationToken) =>
        {
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var decisions = await surge.Client.GetAutoscaleHistoryAsync(result.GetValue(max), cancellationToken);
            CliOutput.Write(context.Stdout, result.GetFormat(output), decisions, CliJsonContext.Default.AutoscaleDecisionArray, WriteText);
            return SurgeCli.Ok;
        });
        var recommendOutput = CliOptions.Output();
        var recommend = new Command("recommend", "per silo group, the pod memory request and limit its tasks call for (never applied)") { recommendOutput };
        connection.AddTo(recommend);
        recommend.SetAction(async (result, cancellationToken) =>
        {
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var recommendations = await surge.Client.GetMemoryRecommendationsAsync(cancellationToken);
            CliOutput.Write(context.Stdout, result.GetFormat(recommendOutput), recommendations, CliJsonContext.Default.MemoryRecommendationArray, WriteRecommendations);
            return SurgeCli.Ok;
        });
        return new Command("autoscale", "what the autoscaler decided, and the pod memory it recommends") { history, recommend };
    }

    private static void WriteRecommendations(TextWriter stdout, MemoryRecommendation[] recommendations)
    {
        stdout.WriteLine($"{"GROUP",-16} {"REQUEST",9} {"LIMIT",9}  {"TASK PEAK (OBS/PRED)",20} {"CONCURRENCY",11} {"FOOTPRINT",9}  MARGIN  WINDOW");
        foreach (var r in recommendations)
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Group,-16} {r.RequestMb + "Mi",9} {r.LimitMb + "Mi",9}  {$"{r.ObservedTaskPeakMb:0.#}/{r.PredictedTaskPeakMb:0.#} MiB",20} {r.PeakConcurrency,11} {$"{r.FootprintMb:0} MiB",9}  {r.Margin,6:P0}  {r.Window.TotalMinutes:0} min, {r.Samples} reports from {r.Silos} silo(s)"));
        if (recommendations.Length == 0) stdout.WriteLine("(no reports yet)");
        else stdout.WriteLine("request = (footprint + task peak x concurrency) x (1 + margin); limit = 1.25 x request. Set them in the chart's groups[].resources.");
    }

    private static void WriteText(TextWriter stdout, AutoscaleDecision[] decisions)
    {
        stdout.WriteLine($"{"AT (UTC)",-12} {"KIND",-11} {"SILO (OR GROUP)",-28} {"POOL",-7} {"FROM",5} {"TO",5}  REASON / INPUTS");
        foreach (var d in decisions)
        {
            stdout.WriteLine($"{d.At:HH:mm:ss.fff} {(d.Kind == AutoscaleKind.Replicas ? "replicas" : "concurrency"),-11} {d.Target?.Silo ?? $"(group {d.Group ?? "default"})",-28} {d.Target?.Pool.Name() ?? "-",-7} {d.From,5} {d.To,5}  {d.Reason}");
            stdout.WriteLine($"{"",-12} {"",-11} {"",-28} {"",-7} {"",5} {"",5}  {d.Inputs}");
        }
        if (decisions.Length == 0) stdout.WriteLine("(no decisions yet)");
    }
}
