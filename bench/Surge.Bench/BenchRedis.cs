using System.Diagnostics;

namespace Surge.Bench;

/// <summary>A redis-server of its own for a cluster-mode measurement, on a free port and a temporary directory, removed after.</summary>
internal static class BenchRedis
{
    /// <summary>Runs <paramref name="measure"/> with the silo settings that point at the server.</summary>
    public static async Task<T> WithAsync<T>(Func<string[], Task<T>> measure)
    {
        var port = SiloProcess.FreePort();
        var dir = Directory.CreateTempSubdirectory("surge-bench-redis-").FullName;
        using var redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", $"{port}", "--bind", "127.0.0.1", "--dir", dir,
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""]) { RedirectStandardOutput = true })!;
        try
        {
            await SiloProcess.WaitForPortAsync(port, "redis-server did not start");
            return await measure([$"--Surge:Redis:ConnectionString=127.0.0.1:{port}"]);
        }
        finally
        {
            redis.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }
}
