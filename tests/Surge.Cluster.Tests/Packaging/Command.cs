using System.Diagnostics;
using System.Text;

namespace Surge.Cluster.Tests.Packaging;

/// <summary>What a command printed and how it ended.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>For assertion messages: the command with everything it printed.</summary>
    public override string ToString() => $"{Command} exited {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs any program (dotnet with a verb, an installed tool's shim) to its end. ChildProcess runs built dlls through
/// `dotnet`; packaging needs `dotnet pack`, `dotnet tool install` and the `surge` the install put on disk.
/// </summary>
internal static class Command
{
    public static async Task<CommandResult> RunAsync(string file, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var command = $"{Path.GetFileName(file)} {string.Join(' ', args)}";
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{command} did not exit within {timeout}.\nstdout:\n{stdout}\nstderr:\n{stderr}");
        }
        process.WaitForExit(); // drain the output readers
        return new CommandResult(command, process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
