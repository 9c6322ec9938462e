using System.CommandLine;
using System.Text.Json;
using Surge.Cli.CommandLine;
using Surge.Cli.Output;

namespace Surge.Cli.Commands;

/// <summary><c>surge dead list | show ID | retry ID | purge (ID | --all)</c>: tasks that failed for good.</summary>
internal static class DeadCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
        => new("dead", "tasks that failed for good (attempts exhausted, or their 'after' never came)")
        {
            List(context, connection),
            Show(context, connection),
            Retry(context, connection),
            Purge(context, connection),
        };

    private static Command List(CliContext context, ConnectionOptions connection)
    {
        var max = CliOptions.Int("--max", 50, 1, 1000, "how many, newest first");
        var output = CliOptions.Output();
        var command = new Command("list", "the dead-lettered tasks") { max, output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            StatusFormat.WriteList(context.Stdout, result.GetFormat(output), await surge.Client.GetDeadLettersAsync(result.GetValue(max), cancellationToken));
            return SurgeCli.Ok;
        });
        return command;
    }

    private static Command Show(CliContext context, ConnectionOptions connection)
    {
        var id = new Argument<string>("TASK-ID") { Description = "a dead-lettered task" }.NotBlank();
        var output = CliOptions.Output();
        var command = new Command("show", "one dead-lettered task's status and error; exit 1 if it is not dead-lettered") { id, output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var taskId = result.GetRequiredValue(id);
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var status = await surge.Client.GetStatusAsync(taskId, cancellationToken) ?? throw new KeyNotFoundException($"no task has id '{taskId}'");
            StatusFormat.Write(context.Stdout, result.GetFormat(output), status);
            return status.DeadLettered ? SurgeCli.Ok : throw new CliException($"task '{taskId}' is {status.State}, not dead-lettered");
        });
        return command;
    }

    private static Command Retry(CliContext context, ConnectionOptions connection)
    {
        var id = new Argument<string>("TASK-ID") { Description = "a dead-lettered task" }.NotBlank();
        var output = CliOptions.Output();
        var command = new Command("retry", "runs a dead-lettered task again, with fresh attempts") { id, output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var taskId = result.GetRequiredValue(id);
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var status = await surge.Client.RetryDeadLetterAsync(taskId, cancellationToken) ?? throw new KeyNotFoundException($"no task has id '{taskId}'");
            StatusFormat.Write(context.Stdout, result.GetFormat(output), status);
            return SurgeCli.Ok;
        });
        return command;
    }

    private static Command Purge(CliContext context, ConnectionOptions connection)
    {
        var id = new Argument<string?>("TASK-ID") { Arity = ArgumentArity.ZeroOrOne, Description = "the dead letter to remove" }.NotBlank();
        var all = CliOptions.Flag("--all", "remove every dead letter");
        var output = CliOptions.Output();
        var command = new Command("purge", "removes one dead letter, or all of them with --all") { id, all, output };
        // One task, or all of them on purpose: never all by forgetting the id.
        command.Validators.Add(r =>
        {
            if ((r.GetResult(id) is { Tokens.Count: > 0 }) == (r.GetResult(all) is { Implicit: false }))
                r.AddError("dead purge takes a TASK-ID or --all, not both and not neither");
        });
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var taskId = result.GetValue(id);
            var purged = new PurgeView(await surge.Client.PurgeDeadLettersAsync(taskId, cancellationToken));
            // As show and retry: a task that is no dead letter (a typo, or purged already) is an error, not "purged 0".
            if (taskId is not null && purged.Purged == 0)
                throw new CliException($"no dead letter has id '{taskId}'; nothing was purged ('surge dead list' shows them)");
            CliOutput.Write(context.Stdout, result.GetFormat(output), purged, CliJsonContext.Default.PurgeView,
                (w, p) => w.WriteLine($"purged {p.Purged} dead letter(s)"));
            return SurgeCli.Ok;
        });
        return command;
    }
}
