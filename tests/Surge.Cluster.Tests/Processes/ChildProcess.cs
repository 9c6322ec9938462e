using System.Diagnostics;
using System.Text;

namespace Surge.Cluster.Tests.Processes;

/// <summary>A real program run by a test: output captured, killed with its tree on dispose.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ChildProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public int Pid => _process.Id;

    /// <summary>SIGKILL to this process alone (not its tree), as a crash would.</summary>
    public void KillNow() => _process.Kill(entireProcessTree: false);

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drain the output readers
    }

    public static ChildProcess StartDotnet(string dll, params string[] args) => StartDotnet(dll, new Dictionary<string, string>(), args);

    public static ChildProcess StartDotnet(string dll, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repo.Root };
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_gcServer"] = "0"; // several processes share two cores in tests
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return new ChildProcess(Process.Start(info)!);
    }

    /// <summary>Runs a program to its end; fails the test if it takes longer than <paramref name="timeout"/>.</summary>
    public static Task<ChildProcess> RunDotnetAsync(string dll, TimeSpan timeout, params string[] args)
        => RunDotnetAsync(dll, new Dictionary<string, string>(), timeout, args);

    /// <summary>Runs a program to its end with <paramref name="environment"/> added to its own.</summary>
    public static async Task<ChildProcess> RunDotnetAsync(string dll, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var child = StartDotnet(dll, environment, args);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await child._process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            child.Dispose();
            Assert.Fail($"{Path.GetFileName(dll)} {string.Join(' ', args)} did not exit within {timeout}.\nstdout:\n{child.Stdout}\nstderr:\n{child.Stderr}");
        }
        child._process.WaitForExit(); // drain the output readers
        return child;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
