using System.CommandLine;
using Surge.Cli.CommandLine;
using Surge.Cli.Output;

namespace Surge.Cli.Commands;

/// <summary><c>surge autoscale history</c>: the autoscaler's decisions with their inputs and reasons.</summary>
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
        return new Command("autoscale", "what the autoscaler decided") { history };
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
