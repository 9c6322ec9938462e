namespace Surge.Cli.Commands;

/// <summary><c>surge dead list | show ID | retry ID | purge (ID | --all)</c>: tasks that failed for good.</summary>
internal static class DeadCommand
{
    private const string Help = "usage: surge dead list [--max 50] | show TASK-ID | retry TASK-ID | purge (TASK-ID | --all)";

    public static async Task<int> RunAsync(CliArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        args.RejectUnknown("max", "all", "gateway", "embedded");
        var (verb, id) = args.Positional switch
        {
            [var v] => (v, (string?)null),
            [var v, var i] => (v, i),
            _ => throw new UsageException(Help),
        };
        var wellFormed = verb switch
        {
            "list" => id is null,
            "show" or "retry" => id is not null,
            "purge" => id is not null ^ args.Has("all"), // one task, or all of them on purpose
            _ => false,
        };
        if (!wellFormed) throw new UsageException(Help);
        await using var connection = await SurgeConnection.OpenAsync(args, cancellationToken);
        var client = connection.Client;
        switch (verb)
        {
            case "list":
                StatusFormat.WriteList(stdout, await client.GetDeadLettersAsync(args.GetInt("max", 50, 1, 1000), cancellationToken));
                return SurgeCli.Ok;
            case "show":
                var status = await client.GetStatusAsync(id!, cancellationToken) ?? throw new KeyNotFoundException($"no task has id '{id}'");
                StatusFormat.Write(stdout, status);
                return status.DeadLettered ? SurgeCli.Ok : throw new CliException($"task '{id}' is {status.State}, not dead-lettered");
            case "retry":
                StatusFormat.Write(stdout, await client.RetryDeadLetterAsync(id!, cancellationToken) ?? throw new KeyNotFoundException($"no task has id '{id}'"));
                return SurgeCli.Ok;
            case "purge":
                stdout.WriteLine($"purged {await client.PurgeDeadLettersAsync(id, cancellationToken)} dead letter(s)");
                return SurgeCli.Ok;
            default:
                throw new UsageException(Help);
        }
    }
}
