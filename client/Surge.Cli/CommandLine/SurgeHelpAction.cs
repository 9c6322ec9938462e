using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Surge.Cli.CommandLine;

/// <summary>
/// System.CommandLine's help, then what its option tree cannot show: the open-ended <c>--Surge:Key=VALUE</c>
/// configuration on commands that connect, and on the root the exit codes.
/// </summary>
internal sealed class SurgeHelpAction(HelpAction inner) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var code = inner.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        var command = parseResult.CommandResult.Command;
        if (CliTree.Connects(command))
        {
            output.WriteLine("Configuration:");
            output.WriteLine("  --Surge:Section:Key=VALUE  configuration for the client and the embedded silo, as for silo/Surge.Silo,");
            output.WriteLine("                             e.g. --Surge:Routing:Mode=single --Surge:Redis:ConnectionString=HOST:6379");
            output.WriteLine();
        }
        if (command is RootCommand)
        {
            output.WriteLine("Exit codes: 0 ok, 1 failed (message on stderr), 2 bad command line.");
            output.WriteLine("Run 'surge COMMAND --help' for a command's options.");
        }
        return code;
    }
}

/// <summary><c>surge --version</c>: this assembly's informational version, not the host process's (a test runner's).</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(CliTree.Version);
        return SurgeCli.Ok;
    }
}
