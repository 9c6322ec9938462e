using System.CommandLine;
using Surge.Cli.CommandLine;
using Surge.Cli.Output;
using Surge.Flows;

namespace Surge.Cli.Commands;

/// <summary><c>surge flow register FILE.json | show NAME</c>.</summary>
internal static class FlowCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
        => new("flow", "graphs of tasks joined by pipes, run over a state's entities by waves") { Register(context, connection), Show(context, connection) };

    private static Command Register(CliContext context, ConnectionOptions connection)
    {
        var file = new Argument<string>("FILE") { Description = "the flow as JSON (see docs/flows.md); registering a name again replaces it" };
        var output = CliOptions.Output();
        var command = new Command("register", "validate a flow file and register it; errors name the task and field") { file, output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetRequiredValue(file);
            var info = new FileInfo(path);
            if (!info.Exists) throw new FileNotFoundException($"no flow file at {path}");
            if (info.Length > FlowJson.MaxBytes) throw new CliException($"{path} is {info.Length} bytes, over the limit of {FlowJson.MaxBytes}");
            var flow = FlowJson.Parse(await File.ReadAllTextAsync(path, cancellationToken));
            FlowValidator.Validate(flow); // every failure, before connecting
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            Write(context.Stdout, result.GetFormat(output), await surge.Flows.RegisterAsync(flow, cancellationToken));
            return SurgeCli.Ok;
        });
        return command;
    }

    private static Command Show(CliContext context, ConnectionOptions connection)
    {
        var name = new Argument<string>("NAME") { Description = "a registered flow" };
        var output = CliOptions.Output();
        var command = new Command("show", "a registered flow's tasks; exit 1 if none has that name") { name, output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var flow = await surge.Flows.GetAsync(result.GetRequiredValue(name), cancellationToken)
                ?? throw new KeyNotFoundException($"no flow is named '{result.GetRequiredValue(name)}'");
            Write(context.Stdout, result.GetFormat(output), flow);
            return SurgeCli.Ok;
        });
        return command;
    }

    private static void Write(TextWriter w, OutputFormat format, FlowDefinition flow)
        => CliOutput.Write(w, format, FlowView.Of(flow), CliJsonContext.Default.FlowView, static (w, f) =>
        {
            w.WriteLine($"flow {f.Name} (pipes kept {f.PipeTtl})");
            w.WriteLine($"{"TASK",-16} {"TYPE",-14} {"VERSION",-8} {"INPUTS",-28} {"OUTPUT",-16} WAITS");
            foreach (var t in f.Tasks)
                w.WriteLine($"{t.Name,-16} {t.Type,-14} {t.Version,-8} {(t.Inputs.Length == 0 ? "-" : string.Join(",", t.Inputs)),-28} {t.Output,-16} {t.DependencyTimeout}");
        });
}
