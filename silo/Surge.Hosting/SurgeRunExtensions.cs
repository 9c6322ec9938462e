using Microsoft.Extensions.Hosting;
using Surge.Hosting.Redis;

namespace Surge.Hosting;

/// <summary>Runs a silo's host the way an operator expects a worker to end: a reason and an exit code, not a trace.</summary>
public static class SurgeRunExtensions
{
    /// <summary>
    /// Runs <paramref name="host"/> until it stops, and returns the process's exit code: 0 when it stopped, 1 when Redis
    /// stayed unreachable for <c>Surge:Redis:StartupTimeout</c> as it started (said once on stderr, naming the setting).
    /// Any other failure is thrown as before. Use it as the last line of a silo's <c>Program.cs</c>:
    /// <c>return await app.RunSurgeAsync();</c>
    /// </summary>
    public static async Task<int> RunSurgeAsync(this IHost host, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (Exception e) when (RedisStartupException.In(e) is { } unreachable)
        {
            // Unhandled, it would end the process as an abort (exit 134) after a trace that hides the reason.
            (error ?? Console.Error).WriteLine($"surge silo: {unreachable.Message}");
            return 1;
        }
    }
}
