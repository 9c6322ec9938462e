using System.Diagnostics;
using System.Net.Sockets;

namespace Surge.Bench;

/// <summary>A built silo as its own process, on free ports, for benchmarks that measure across a real network hop.</summary>
internal sealed class SiloProcess(Process process) : IDisposable
{
    public static SiloProcess Start(int gateway, params string[] settings)
    {
        var dll = Path.Combine(Workloads.RepoRoot(), "silo", "Surge.Silo", "bin", "Release", "net10.0", "Surge.Silo.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll}: build first with dotnet build Orleans.sln -c Release");
        var silo = FreePort();
        var info = new ProcessStartInfo("dotnet", [dll, $"--Surge:Ports:Silo={silo}", $"--Surge:Ports:PrimarySilo={silo}",
            $"--Surge:Ports:Gateway={gateway}", "--Surge:Ports:Http=0", "--Surge:Workers:Simulate=true",
            "--Logging:LogLevel:Default=Warning", .. settings]) { RedirectStandardOutput = true };
        var process = Process.Start(info)!;
        // Read, onto stderr (stdout is for JSON): a full pipe would block the silo's console logger, and the silo with it.
        process.OutputDataReceived += (_, line) => { if (line.Data is { } text) Console.Error.WriteLine(text); };
        process.BeginOutputReadLine();
        return new SiloProcess(process);
    }

    /// <summary>CPU time the silo process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// Waits until every one of <paramref name="silos"/> used less than <paramref name="maxCores"/> of a core over half a
    /// second (background work such as tiered compilation done), or <paramref name="limit"/> passed; returns the time taken.
    /// </summary>
    public static async Task<TimeSpan> IdleAsync(IReadOnlyList<SiloProcess> silos, double maxCores, TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        var period = TimeSpan.FromMilliseconds(500);
        while (Stopwatch.GetElapsedTime(started) < limit)
        {
            var before = silos.Select(s => s.CpuTime).ToArray();
            await Task.Delay(period);
            if (silos.Select((s, i) => (s.CpuTime - before[i]) / period).All(cores => cores < maxCores)) break;
        }
        return Stopwatch.GetElapsedTime(started);
    }

    public async Task WaitForGatewayAsync(int port) => await WaitForPortAsync(port, "the silo did not open its gateway");

    public static async Task WaitForPortAsync(int port, string failure)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) { await Task.Delay(200); }
        }
        throw new TimeoutException(failure);
    }

    public static int FreePort() => Surge.Testing.FreePorts.Next();

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
