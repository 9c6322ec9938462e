namespace Surge.Cli.Commands;

internal static class StatusCommand
{
    public static async Task<int> RunAsync(CliArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        args.RejectUnknown("gateway", "embedded");
        if (args.Positional.Count > 1) throw new UsageException("status takes at most one task id");
        await using var connection = await SurgeConnection.OpenAsync(args, cancellationToken);
        if (args.Positional.Count == 1)
        {
            var status = await connection.Client.GetStatusAsync(args.Positional[0], cancellationToken)
                         ?? throw new KeyNotFoundException($"no task has id '{args.Positional[0]}'");
            StatusFormat.Write(stdout, status);
            return SurgeCli.Ok;
        }
        StatusFormat.WritePools(stdout, await connection.Client.GetPoolsAsync(cancellationToken));
        return SurgeCli.Ok;
    }
}
