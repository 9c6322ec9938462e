using System.CommandLine;
using System.CommandLine.Help;
using System.Reflection;
using Surge.Cli.Commands;

namespace Surge.Cli.CommandLine;

/// <summary>
/// Every command, option and argument of <c>surge</c>: one definition that parses, prints each command's help and
/// renders the README's synopsis (<see cref="Synopsis"/>).
/// </summary>
internal static class CliTree
{
    public const string Description = "surge — submit and follow tasks on a Surge cluster";

    public static RootCommand Build(CliContext context)
    {
        var connection = new ConnectionOptions();
        var root = new RootCommand(Description)
        {
            SubmitCommand.Create(context, connection),
            StatusCommand.Create(context, connection),
            CancelCommand.Create(context, connection),
            DeadCommand.Create(context, connection),
            ScheduleCommand.Create(context, connection),
            ReplayCommand.Create(context, connection),
            WorkloadCommand.Create(context),
            TrainCommand.Create(context),
            PredictCommand.Create(context),
            AutoscaleCommand.Create(context, connection),
            FlowCommand.Create(context, connection),
            StateCommand.Create(context, connection),
            WaveCommand.Create(context, connection),
            SimulateAutoscaleCommand.Create(context),
        };
        root.HelpName = "surge"; // not the host's name (dotnet, a test runner)
        root.Add(HelpCommand(root));
        foreach (var option in root.Options)
        {
            // The help adds what the option tree cannot say; the version is this assembly's, whoever hosts it.
            if (option is HelpOption { Action: HelpAction help }) option.Action = new SurgeHelpAction(help);
            if (option is VersionOption) option.Action = new VersionAction();
        }
        return root;
    }

    /// <summary>The informational version (the package version, and the commit when the build knows it).</summary>
    public static string Version
        => typeof(CliTree).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
           ?? typeof(CliTree).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Whether <paramref name="command"/> takes the connection options.</summary>
    public static bool Connects(Command command) => command.Options.Any(ConnectionOptions.IsConnection);

    // `surge help [COMMAND...]`, hidden: the same as `surge COMMAND... --help`, for those who type it the old way.
    private static Command HelpCommand(RootCommand root)
    {
        var path = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.ZeroOrMore };
        var help = new Command("help", "show help for a command") { path };
        help.Hidden = true;
        help.SetAction(result => root.Parse([.. result.GetValue(path) ?? [], "--help"]).Invoke(result.InvocationConfiguration));
        return help;
    }
}
