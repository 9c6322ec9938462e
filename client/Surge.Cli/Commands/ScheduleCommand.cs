namespace Surge.Cli.Commands;

/// <summary><c>surge schedule add NAME --cron CRON --type TYPE [--payload JSON] | list | remove NAME</c>.</summary>
internal static class ScheduleCommand
{
    private const string Help = "usage: surge schedule add NAME --cron \"*/5 * * * *\" --type TYPE [--payload JSON] | list | remove NAME";

    public static async Task<int> RunAsync(CliArgs args, TextWriter stdout, CancellationToken cancellationToken)
    {
        args.RejectUnknown("cron", "type", "payload", "gateway", "embedded");
        await using var connection = await SurgeConnection.OpenAsync(args, cancellationToken);
        var client = connection.Client;
        switch (args.Positional)
        {
            case ["add", var name]:
                var status = await client.ScheduleAsync(ScheduleSpec.Create(name, args.Require("cron", "five cron fields in UTC, e.g. --cron \"0 2 * * *\""),
                    args.Require("type", "a task type registered on the silos"), args.Get("payload") ?? "{}"), cancellationToken);
                Write(stdout, [status]);
                return SurgeCli.Ok;
            case ["list"]:
                Write(stdout, await client.GetSchedulesAsync(cancellationToken));
                return SurgeCli.Ok;
            case ["remove", var name]:
                if (!await client.UnscheduleAsync(name, cancellationToken)) throw new KeyNotFoundException($"no schedule is named '{name}'");
                stdout.WriteLine($"removed schedule '{name}'");
                return SurgeCli.Ok;
            default:
                throw new UsageException(Help);
        }
    }

    private static void Write(TextWriter w, IReadOnlyList<ScheduleStatus> schedules)
    {
        w.WriteLine($"{"NAME",-24} {"CRON (UTC)",-18} {"TYPE",-14} {"LAST",-20} NEXT");
        foreach (var s in schedules)
            w.WriteLine($"{s.Spec.Name,-24} {s.Spec.Cron,-18} {s.Spec.Type,-14} {s.LastFired?.ToString("yyyy-MM-dd HH:mm:ss") ?? "-",-20} {s.NextFire?.ToString("yyyy-MM-dd HH:mm:ss") ?? "-"}");
        if (schedules.Count == 0) w.WriteLine("(none)");
    }
}
