namespace Surge.Cli.Commands;

/// <summary><c>surge autoscale history</c>: the autoscaler's decisions with their inputs and reasons.</summary>
internal static class AutoscaleCommand
{
    public static async Task<int> RunAsync(CliArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        args.RejectUnknown("max", "gateway", "embedded");
        if (args.Positional is not ["history"]) throw new UsageException("usage: surge autoscale history [--max 50]");
        await using var connection = await SurgeConnection.OpenAsync(args, cancellationToken);
        var decisions = await connection.Client.GetAutoscaleHistoryAsync(args.GetInt("max", 50, 1, 1000), cancellationToken);
        stdout.WriteLine($"{"AT (UTC)",-12} {"KIND",-11} {"SILO",-28} {"POOL",-7} {"FROM",5} {"TO",5}  REASON / INPUTS");
        foreach (var d in decisions)
        {
            stdout.WriteLine($"{d.At:HH:mm:ss.fff} {(d.Kind == AutoscaleKind.Replicas ? "replicas" : "concurrency"),-11} {d.Target?.Silo ?? "(cluster)",-28} {d.Target?.Pool.Name() ?? "-",-7} {d.From,5} {d.To,5}  {d.Reason}");
            stdout.WriteLine($"{"",-12} {"",-11} {"",-28} {"",-7} {"",5} {"",5}  {d.Inputs}");
        }
        if (decisions.Length == 0) stdout.WriteLine("(no decisions yet)");
        return SurgeCli.Ok;
    }
}
