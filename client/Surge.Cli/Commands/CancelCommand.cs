namespace Surge.Cli.Commands;

/// <summary><c>surge cancel ID</c>: a queued or held task never starts; a running one has its token cancelled.</summary>
internal static class CancelCommand
{
    public static async Task<int> RunAsync(CliArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        args.RejectUnknown("gateway", "embedded");
        if (args.Positional is not [var id]) throw new UsageException("usage: surge cancel TASK-ID");
        await using var connection = await SurgeConnection.OpenAsync(args, cancellationToken);
        var status = await connection.Client.CancelAsync(id, cancellationToken) ?? throw new KeyNotFoundException($"no task has id '{id}'");
        StatusFormat.Write(stdout, status);
        return status.State == TaskState.Cancelled ? SurgeCli.Ok
            : throw new CliException($"task '{id}' had already finished ({status.State}); nothing was cancelled");
    }
}
