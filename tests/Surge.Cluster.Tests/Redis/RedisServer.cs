using Surge.Testing;
using System.Diagnostics;
using Surge.Cluster.Tests.Processes;

namespace Surge.Cluster.Tests.Redis;

/// <summary>
/// A real redis-server on a free loopback port, with an append-only file in its own folder so that a stop and a
/// start on the same port keep the data (as a production Redis with persistence would). Stopped by pid.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("surge-redis-").FullName;
    private Process? _process;

    public int Port { get; } = Repo.FreePort();
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer();
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, WorkingDirectory = _dir };
        foreach (var arg in new[] { "--port", $"{Port}", "--bind", "127.0.0.1", "--dir", _dir, "--appendonly", "yes", "--save", "", "--protected-mode", "no" })
            info.ArgumentList.Add(arg);
        try
        {
            _process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not installed; ./test.sh installs it (apt-get install redis-server)", e);
        }
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        var process = _process;
        await Repo.WaitForPortAsync(Port, TimeSpan.FromSeconds(5), "redis-server", () => process.HasExited ? $"exit code {process.ExitCode}" : null);
    }

    /// <summary>
    /// <c>CLIENT PAUSE ms WRITE</c>, as Redis does during a failover: it takes connections and answers reads, but every
    /// write waits, its connection open, until <paramref name="length"/> has passed or <see cref="UnpauseAsync"/>.
    /// </summary>
    public Task PauseWritesAsync(TimeSpan length) => CliAsync("CLIENT", "PAUSE", $"{(long)length.TotalMilliseconds}", "WRITE");

    /// <summary><c>CLIENT UNPAUSE</c>: the writes held go on.</summary>
    public Task UnpauseAsync() => CliAsync("CLIENT", "UNPAUSE");

    private async Task CliAsync(params string[] command)
    {
        var info = new ProcessStartInfo("redis-cli") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-p", $"{Port}", .. command]) info.ArgumentList.Add(arg);
        using var cli = Process.Start(info)!;
        var answer = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        if (cli.ExitCode != 0 || !answer.Contains("OK", StringComparison.Ordinal))
            throw new InvalidOperationException($"redis-cli {string.Join(' ', command)} failed (exit {cli.ExitCode}): {answer}{await cli.StandardError.ReadToEndAsync()}");
    }

    /// <summary>SIGTERM, as an operator's restart: Redis writes its append-only file and exits.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        Signals.Terminate(_process.Id);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill();
        _process?.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
