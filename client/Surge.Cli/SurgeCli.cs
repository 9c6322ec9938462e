using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using Surge.Cli.CommandLine;
using Surge.Client;
using Surge.Replay;

namespace Surge.Cli;

/// <summary>
/// Parses the command line with System.CommandLine (<see cref="CliTree"/>), runs the command, and turns every expected
/// failure into a one-line message on stderr and an exit code: 0 ok, 1 failed, 2 bad command line.
/// </summary>
internal static class SurgeCli
{
    public const int Ok = 0, Failed = 1, BadUsage = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var (rest, overrides) = ConfigOverrides.Split(args);
        var context = new CliContext(stdout, stderr, overrides);
        var root = CliTree.Build(context);
        // No response files: an argument that starts with @ is a value (a payload, an id), never a file to expand.
        var parsed = root.Parse(rest, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var configuration = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false, // failures are mapped to exit codes below
            ProcessTerminationTimeout = null, // Ctrl+C cancels the command's token (below), which then ends as it can
        };
        if (parsed.Action is ParseErrorAction) return BadCommandLine(parsed, configuration, stderr);

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        // SIGTERM (a supervisor, `timeout 60 surge …`, a cancelled CI job) ends the command as Ctrl+C does. Without this
        // the signal went to the connection's host (its console lifetime stops the host, not the process), and a command
        // waiting on the cluster, such as submit --wait, went on waiting.
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            cancel.Cancel();
        });
        try
        {
            return await parsed.InvokeAsync(configuration, cancel.Token);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"surge: {e.Message}. See '{CommandPath(parsed)} --help'.");
            return BadUsage;
        }
        catch (Exception e) when (e is CliException or SurgeValidationException or SurgeAccessDeniedException or WorkloadException or SurgeUnavailableException or KeyNotFoundException or FileNotFoundException or InvalidDataException
            or ArgumentException) // an argument the client refuses (an empty id): its message names the parameter
        {
            stderr.WriteLine($"surge: {e.Message}");
            return Failed;
        }
        catch (Exception e) when (Hosting.SurgeRunExtensions.SettingFailures(e) is { Count: > 0 } failures)
        {
            // --Surge:… settings, checked as the client or the embedded silo starts: the silo's own lines, no trace.
            foreach (var failure in failures) stderr.WriteLine($"surge: {failure}");
            return Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file the command reads or writes (--out in a missing directory, a full disk, no permission): the
            // system's message names the path, which is the fix; a stack trace would only bury it.
            stderr.WriteLine($"surge: {e.Message} Check the path and its permissions.");
            return Failed;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("surge: cancelled");
            return Failed;
        }
        catch (Exception e)
        {
            // Not one we expected: still one clear line and an exit code, with the details for a bug report.
            stderr.WriteLine($"surge: {e.GetType().Name}: {e.Message}");
            stderr.WriteLine(e);
            return Failed;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The synopsis the README's CLI section shows, rendered from the same definitions that parse.</summary>
    public static string Synopsis() => CommandLine.Synopsis.Render(CliTree.Build(CliContext.ForDefinitions()));

    // Each error on its own line, and where to read more. `surge` alone also gets the overview, as it always did.
    private static int BadCommandLine(ParseResult parsed, InvocationConfiguration configuration, TextWriter stderr)
    {
        if (parsed.CommandResult.Command is RootCommand && parsed.Tokens.Count == 0)
            parsed.RootCommandResult.Command.Parse(["--help"]).Invoke(configuration);
        foreach (var error in parsed.Errors) stderr.WriteLine($"surge: {error.Message}");
        stderr.WriteLine($"See '{CommandPath(parsed)} --help'.");
        return BadUsage;
    }

    private static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Add(result.Command is RootCommand ? "surge" : result.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}

/// <summary>The command line is wrong in a way the parser cannot see; the message says how. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
