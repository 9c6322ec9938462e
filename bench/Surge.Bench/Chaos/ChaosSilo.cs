using Surge.Testing;
using System.Diagnostics;
using System.Net;
using Surge.Faults;

namespace Surge.Bench.Chaos;

/// <summary>
/// One of the cluster's silo slots: a silo process on Redis (through the cuttable link), restarted on the same ports
/// so that clients find it where it was. Its stdout and stderr go to <c>silo-&lt;slot&gt;.log</c>, one header a start.
/// With <paramref name="siloLink"/>, other silos reach its silo port through a <see cref="TcpLinkCutter"/> of its own
/// (it advertises the link's port), so that it can be cut off from them.
/// </summary>
internal sealed class ChaosSilo(int slot, string dir, string[] settings, bool siloLink = false) : IAsyncDisposable
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(120);
    private readonly int _silo = SiloProcess.FreePort(), _gateway = SiloProcess.FreePort(), _http = SiloProcess.FreePort();
    private readonly Lock _logGate = new();
    private Process? _process;

    // UTC to the millisecond on every log line: a fault's story is read against the journal's and the run logs' times.
    private static readonly string[] Timestamps = ["--Logging:Console:FormatterName=simple", "--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ", "--Logging:Console:FormatterOptions:UseUtcTimestamp=true"];

    // bin/<Configuration>/net10.0: run the silo built in the same configuration as this benchmark.
    private static readonly string Configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public int Slot { get; } = slot;

    /// <summary>The link other silos reach this one through (from the first start on), or null without one.</summary>
    public TcpLinkCutter? SiloLink { get; private set; }

    /// <summary>The running process's id, or 0 while none runs.</summary>
    public int Pid => _process is { HasExited: false } p ? p.Id : 0;

    /// <summary>The last process, once it has exited: its id, exit code and when (UTC); null while it runs.</summary>
    public (int Pid, int Code, DateTimeOffset At)? Exited
        => _process is { HasExited: true } p ? (p.Id, p.ExitCode, new DateTimeOffset(p.ExitTime).ToUniversalTime()) : null;

    /// <summary>A fault is acting on this slot (stopping or restarting it): other faults pick another.</summary>
    public bool Busy { get; set; }

    private string LogPath => Path.Combine(dir, $"silo-{Slot}.log");

    public async Task StartAsync()
    {
        var dll = Path.Combine(Workloads.RepoRoot(), "silo", "Surge.Silo", "bin", Configuration, "net10.0", "Surge.Silo.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll}: build first with dotnet build Orleans.sln -c {Configuration}");
        if (siloLink) SiloLink ??= new TcpLinkCutter("127.0.0.1", _silo);
        string[] advertised = SiloLink is { } link ? [$"--Surge:Ports:AdvertisedSilo={link.Port}"] : [];
        var info = new ProcessStartInfo("dotnet", [dll, $"--Surge:Ports:Silo={_silo}", $"--Surge:Ports:Gateway={_gateway}", $"--Surge:Ports:Http={_http}",
            .. advertised, "--Logging:LogLevel:Default=Warning", .. Timestamps, .. settings]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DOTNET_gcServer"] = "0"; // three silos, the producers and Redis share the machine's cores
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Log($"=== slot {Slot} pid {process.Id} started at {DateTimeOffset.UtcNow:O}");
        try
        {
            await WaitUntilReadyAsync(process);
        }
        catch (TimeoutException)
        {
            // As Kubernetes kills a pod that fails its startup probe: left running, it would hold the slot's ports (the
            // next start exits at once, "address already in use") and count as a member the others wait for.
            process.Kill();
            await process.WaitForExitAsync();
            Log($"=== slot {Slot} pid {process.Id} killed at {DateTimeOffset.UtcNow:O}: not ready within {ReadyLimit}");
            throw;
        }
    }

    /// <summary>SIGKILL: the process dies at once with whatever it held.</summary>
    public int Kill()
    {
        var process = _process ?? throw new InvalidOperationException($"slot {Slot} runs no silo");
        var pid = process.Id;
        process.Kill();
        process.WaitForExit();
        return pid;
    }

    /// <summary>SIGTERM, then waits for the exit (a drain); SIGKILL if it outlives <paramref name="limit"/>.</summary>
    public async Task<(int Pid, bool Exited)> TerminateAsync(TimeSpan limit)
    {
        var process = _process ?? throw new InvalidOperationException($"slot {Slot} runs no silo");
        Signals.Terminate(process.Id);
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
            return (process.Id, true);
        }
        catch (TimeoutException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            return (process.Id, false);
        }
    }

    /// <summary>When the running process exits by itself within <paramref name="limit"/>, or null if it does not.</summary>
    public async Task<DateTimeOffset?> WaitForExitAsync(TimeSpan limit)
    {
        var process = _process ?? throw new InvalidOperationException($"slot {Slot} runs no silo");
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            return null;
        }
        var exited = new DateTimeOffset(process.ExitTime); // local time, as Process reports it
        Log($"=== slot {Slot} pid {process.Id} exited with {process.ExitCode} at {exited.ToUniversalTime():O}");
        return exited;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            await p.WaitForExitAsync();
        }
        _process?.Dispose();
        if (SiloLink is { } link) await link.DisposeAsync();
    }

    private async Task WaitUntilReadyAsync(Process process)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_http}"), Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ReadyLimit)
        {
            if (process.HasExited) throw new InvalidOperationException($"silo slot {Slot} exited with {process.ExitCode} while starting; see {LogPath}");
            try
            {
                using var ready = await http.GetAsync("/ready");
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"silo slot {Slot} (pid {process.Id}) not ready within {ReadyLimit}; see {LogPath}");
    }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_logGate) File.AppendAllText(LogPath, line + "\n");
    }
}
