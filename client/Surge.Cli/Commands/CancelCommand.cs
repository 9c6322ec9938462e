using System.CommandLine;
using Surge.Cli.CommandLine;

namespace Surge.Cli.Commands;

/// <summary><c>surge cancel ID</c>: a queued or held task never starts; a running one has its token cancelled.</summary>
internal static class CancelCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
    {
        var id = new Argument<string>("TASK-ID") { Description = "the task to cancel" }.NotBlank();
        var output = CliOptions.Output();
        var command = new Command("cancel", "a queued or held task never starts; a running one has its token cancelled") { id, output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var taskId = result.GetRequiredValue(id);
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var status = await surge.Client.CancelAsync(taskId, cancellationToken) ?? throw new KeyNotFoundException($"no task has id '{taskId}'");
            StatusFormat.Write(context.Stdout, result.GetFormat(output), status);
            return status.State == TaskState.Cancelled ? SurgeCli.Ok
                : throw new CliException($"task '{taskId}' had already finished ({status.State}); nothing was cancelled");
        });
        return command;
    }
}
