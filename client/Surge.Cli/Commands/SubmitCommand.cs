using System.CommandLine;
using Surge.Cli.CommandLine;

namespace Surge.Cli.Commands;

/// <summary><c>surge submit</c>: submits one task, and with --wait follows it to its end.</summary>
internal static class SubmitCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
    {
        var spec = new SpecOptions();
        var wait = CliOptions.Flag("--wait", "wait until the task is final; exit 1 if it failed");
        var output = CliOptions.Output();
        var command = new Command("submit", "submit a task (and with --wait, wait for its end)");
        foreach (var option in spec.All) command.Add(option);
        command.Add(wait);
        command.Add(output);
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var task = spec.Build(result);
            TaskValidator.Validate(task); // bad input is named before any connection, reachable cluster or not
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var status = result.GetValue(wait)
                ? await surge.Client.RunAsync(task, cancellationToken: cancellationToken)
                : await surge.Client.SubmitAsync(task, cancellationToken);
            StatusFormat.Write(context.Stdout, result.GetFormat(output), status);
            return status.State == TaskState.Failed ? SurgeCli.Failed : SurgeCli.Ok;
        });
        return command;
    }
}
