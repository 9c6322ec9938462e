using Microsoft.Extensions.Configuration;

namespace Surge.Hosting.Redis;

/// <summary>Cluster mode (<c>Surge:Redis</c>): membership, grain state, reminders and task records in Redis.</summary>
public sealed class RedisOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Surge:Redis";

    /// <summary>The environment variable read for the connection string when configuration has none.</summary>
    public const string EnvironmentVariable = "SURGE_REDIS";

    /// <summary>A StackExchange.Redis connection string, e.g. <c>redis:6379</c>; unset keeps the embedded defaults.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How long a starting silo waits for Redis (not up yet, restarting, out of reach) before it gives up: 0 to 1 hour,
    /// default 5 minutes. It tries again with growing pauses meanwhile, and says so in its log.
    /// </summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The connection string from configuration, else from <c>SURGE_REDIS</c>; null for embedded mode. The
    /// client decides the same way, so a silo and a client given the same settings agree on the mode.</summary>
    public static string? From(IConfiguration configuration) => Client.SurgeClientExtensions.RedisConnectionString(configuration);
}
