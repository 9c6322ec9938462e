using System.CommandLine;
using Surge.Cli.CommandLine;
using Surge.Cli.Output;

namespace Surge.Cli.Commands;

/// <summary><c>surge status [ID]</c>: one task's status, or without an id the pools of every silo.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
    {
        var id = new Argument<string?>("TASK-ID") { Arity = ArgumentArity.ZeroOrOne, Description = "the task to show; without it, the pools of every silo" }.NotBlank();
        var output = CliOptions.Output();
        var command = new Command("status", "a task's status; without an id, the pools of every silo") { id, output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var format = result.GetFormat(output);
            if (result.GetValue(id) is { } taskId)
            {
                var status = await surge.Client.GetStatusAsync(taskId, cancellationToken) ?? throw new KeyNotFoundException($"no task has id '{taskId}'");
                StatusFormat.Write(context.Stdout, format, status);
            }
            else
            {
                CliOutput.Write(context.Stdout, format, await surge.Client.GetPoolsAsync(cancellationToken), CliJsonContext.Default.PoolStatsArray, StatusFormat.WritePools);
            }
            return SurgeCli.Ok;
        });
        return command;
    }
}
