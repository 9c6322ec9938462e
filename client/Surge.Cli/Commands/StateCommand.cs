using System.CommandLine;
using Surge.Cli.CommandLine;
using Surge.Cli.Output;

namespace Surge.Cli.Commands;

/// <summary><c>surge state add|remove NAME KEY... [--file FILE] | list NAME</c>: the entities a wave runs for.</summary>
internal static class StateCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
        => new("state", "named sets of entity keys, the entities waves run for")
        {
            Change(context, connection, "add", "add entity keys to a state (created on first use)", add: true),
            Change(context, connection, "remove", "remove entity keys from a state", add: false),
            List(context, connection),
        };

    private static Command Change(CliContext context, ConnectionOptions connection, string verb, string description, bool add)
    {
        var name = new Argument<string>("NAME") { Description = "the state" };
        var keys = new Argument<string[]>("KEY") { Description = "entity keys", Arity = ArgumentArity.ZeroOrMore };
        var file = CliOptions.Text("--file", "FILE", "also the keys in FILE, one per line");
        var command = new Command(verb, description) { name, keys, file };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var entities = (result.GetValue(keys) ?? []).ToList();
            if (result.GetValue(file) is { } path)
                entities.AddRange((await File.ReadAllLinesAsync(path, cancellationToken)).Select(l => l.Trim()).Where(l => l.Length > 0));
            if (entities.Count == 0) throw new CliException($"give entity keys to {verb}, as arguments or with --file");
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var state = result.GetRequiredValue(name);
            var size = add ? await surge.Flows.AddToStateAsync(state, entities, cancellationToken)
                : await surge.Flows.RemoveFromStateAsync(state, entities, cancellationToken);
            context.Stdout.WriteLine($"state '{state}' has {size} entities");
            return SurgeCli.Ok;
        });
        return command;
    }

    private static Command List(CliContext context, ConnectionOptions connection)
    {
        var name = new Argument<string>("NAME") { Description = "the state" };
        var max = CliOptions.Int("--max", 1000, 1, Surge.Flows.EntityKeys.MaxPerState, "at most this many keys, in order");
        var output = CliOptions.Output();
        var command = new Command("list", "a state's entity keys, in order") { name, max, output };
        connection.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var surge = await SurgeConnection.OpenAsync(connection.Read(result, context), cancellationToken);
            var keys = await surge.Flows.ListStateAsync(result.GetRequiredValue(name), 0, result.GetValue(max), cancellationToken);
            CliOutput.Write(context.Stdout, result.GetFormat(output), keys.ToArray(), CliJsonContext.Default.StringArray, static (w, k) =>
            {
                foreach (var key in k) w.WriteLine(key);
            });
            return SurgeCli.Ok;
        });
        return command;
    }
}
