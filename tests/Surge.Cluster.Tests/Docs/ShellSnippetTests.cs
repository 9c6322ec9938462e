using System.Diagnostics;
using System.Text;
using Surge.Cluster.Tests.Processes;
using Surge.Testing.Docs;

namespace Surge.Cluster.Tests.Docs;

/// <summary>
/// Runs every shell block of README.md and docs/*.md marked <c>&lt;!-- run --&gt;</c>, as a reader would: in an empty
/// directory holding a copy of samples/, with the built CLI on PATH as <c>surge</c>, on embedded defaults (no Redis),
/// on ports of its own so it never meets another silo on this machine. Each must exit 0.
/// </summary>
public class ShellSnippetTests
{
    // Marked blocks are meant to take seconds; this only stops a hung one.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static TheoryData<string, int> RunBlocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var block in MarkdownDocs.Pages().SelectMany(MarkdownDocs.Blocks).Where(b => b.Runs && b.IsShell)) data.Add(block.Page, block.Line);
        return data;
    }

    [Theory]
    [MemberData(nameof(RunBlocks))]
    public async Task RunBlock_InAFreshDirectory_ExitsZero(string page, int line)
    {
        var block = MarkdownDocs.Blocks(page).Single(b => b.Line == line);
        var dir = Directory.CreateTempSubdirectory("surge-docs-");
        try
        {
            var script = Prepare(dir.FullName, block);
            var (exitCode, stdout, stderr) = await RunAsync(dir.FullName, script);
            Assert.True(exitCode == 0,
                $"{block.Where} exited {exitCode}.\n--- block:\n{string.Join('\n', block.Body)}\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // The block as a bash script, a `surge` shim for the built CLI, and the samples the docs' commands name.
    private static string Prepare(string dir, CodeBlock block)
    {
        var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        var shim = Path.Combine(bin, "surge");
        File.WriteAllText(shim, $"#!/bin/sh\nexec dotnet \"{Repo.CliDll}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var samples = Directory.CreateDirectory(Path.Combine(dir, "samples")).FullName;
        foreach (var file in Directory.EnumerateFiles(Repo.Samples, "*.jsonl")) File.Copy(file, Path.Combine(samples, Path.GetFileName(file)));
        var script = Path.Combine(dir, "block.sh");
        File.WriteAllText(script, "set -eo pipefail\n" + string.Join('\n', block.Body) + "\n");
        return script;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string dir, string script)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        info.ArgumentList.Add(script);
        info.Environment["PATH"] = Path.Combine(dir, "bin") + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        info.Environment["DOTNET_gcServer"] = "0"; // several processes share two cores in tests
        info.Environment["SURGE_REDIS"] = "";      // embedded defaults, whatever this machine's environment says
        var silo = Repo.FreePort();
        info.Environment["Surge__Ports__Silo"] = info.Environment["Surge__Ports__PrimarySilo"] = silo.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Surge__Ports__Gateway"] = Repo.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Surge__Ports__Http"] = Repo.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{script} did not finish within {Limit}.\nstdout:\n{stdout}\nstderr:\n{stderr}");
        }
        process.WaitForExit(); // drain the output readers
        lock (stdout) lock (stderr) return (process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
