using System.CommandLine;
using Surge.Cli.CommandLine;
using Surge.Cli.Output;

namespace Surge.Cli.Commands;

/// <summary><c>surge schedule add NAME --cron CRON --type TYPE [--payload JSON] | list | remove NAME</c>.</summary>
internal static class ScheduleCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
        => new("schedule", "recurring submissions, on a cron in UTC") { Add(context, connection), List(context, connection), Remove(context, connection) };

    private static Command Add(CliContext context, ConnectionOptions connection)
    {
        var name = new Argument<string>("NAME") { Description = "the schedule's name; adding a name again replaces its schedule" }.NotBlank();
        var cron = CliOptions.Required("--cron", "CRON", "five cron fields (or six, seconds first), in UTC, e.g. \"0 2 * * *\"");
        var type = SpecOptions.TypeOption();
        var payload = CliOptions.Payload("each task's input, or @FILE to read it from a file (default {})");
        var output = CliOptions.Output();
        var command = new Command("add", "submit a task of TYPE at every instant of the cron (UTC)") { name, cron, type, payload, output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var spec = ScheduleSpec.Create(result.GetRequiredValue(name), result.GetRequiredValue(cron), result.GetRequiredValue(type), result.GetValue(payload) ?? "{}");
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            Write(context.Stdout, result.GetFormat(output), [await surge.Client.ScheduleAsync(spec, cancellationToken)]);
            return SurgeCli.Ok;
        });
        return command;
    }

    private static Command List(CliContext context, ConnectionOptions connection)
    {
        var output = CliOptions.Output();
        var command = new Command("list", "the schedules, with when each fired last and fires next") { output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            Write(context.Stdout, result.GetFormat(output), await surge.Client.GetSchedulesAsync(cancellationToken));
            return SurgeCli.Ok;
        });
        return command;
    }

    private static Command Remove(CliContext context, ConnectionOptions connection)
    {
        var name = new Argument<string>("NAME") { Description = "the schedule to remove" }.NotBlank();
        var command = new Command("remove", "stop a schedule; exit 1 if no schedule has that name") { name };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var scheduleName = result.GetRequiredValue(name);
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            if (!await surge.Client.UnscheduleAsync(scheduleName, cancellationToken)) throw new KeyNotFoundException($"no schedule is named '{scheduleName}'");
            context.Stdout.WriteLine($"removed schedule '{scheduleName}'");
            return SurgeCli.Ok;
        });
        return command;
    }

    private static void Write(TextWriter w, OutputFormat format, IReadOnlyList<ScheduleStatus> schedules)
        => CliOutput.Write(w, format, schedules.Select(ScheduleView.Of).ToArray(), CliJsonContext.Default.ScheduleViewArray, WriteText);

    private static void WriteText(TextWriter w, ScheduleView[] schedules)
    {
        w.WriteLine($"{"NAME",-24} {"CRON (UTC)",-18} {"TYPE",-14} {"LAST",-20} NEXT");
        foreach (var s in schedules)
            w.WriteLine($"{s.Name,-24} {s.Cron,-18} {s.Type,-14} {s.LastFired?.ToString("yyyy-MM-dd HH:mm:ss") ?? "-",-20} {s.NextFire?.ToString("yyyy-MM-dd HH:mm:ss") ?? "-"}");
        if (schedules.Length == 0) w.WriteLine("(none)");
    }
}
