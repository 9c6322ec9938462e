using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Persistence;
using StackExchange.Redis;

namespace Surge.Hosting.Redis;

/// <summary>
/// How the Orleans providers' Redis connections (membership, grain storages, reminders) open as a silo starts: tried
/// again with backoff until <see cref="RedisOptions.StartupTimeout"/>, so a silo started while Redis is away (not up
/// yet, restarting, its link cut) waits for it, as a Celery worker retries its broker at start, instead of dying with
/// an unhandled exception; past the timeout it stops with one message that names the setting. So does the membership
/// table's first write, which follows its connection (<see cref="WaitingMembershipTable"/>): a Redis that takes
/// connections but holds writes (paused in a failover, or stalled) times it out. Surge's own connection
/// (<see cref="RedisConnection"/>) keeps reconnecting by itself.
/// </summary>
internal static partial class RedisStartup
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250), LongestPause = TimeSpan.FromSeconds(5);

    /// <summary>Makes the membership table and the reminder table connect this way; grain storages call <see cref="Connector"/> themselves.</summary>
    public static void WaitForRedisAtStart(this IServiceCollection services)
    {
        services.AddOptions<RedisClusteringOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            var connect = Connector(sp, "membership");
            o.CreateMultiplexer = options => connect(options.ConfigurationOptions!);
        });
        services.AddOptions<RedisReminderTableOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            var connect = Connector(sp, "reminders");
            o.CreateMultiplexer = options => connect(options.ConfigurationOptions!);
        });
        var table = services.LastOrDefault(d => d.ServiceType == typeof(IMembershipTable) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("WaitForRedisAtStart: no membership table is registered; call UseRedisClustering first");
        services.Remove(table);
        services.AddSingleton<IMembershipTable>(sp =>
        {
            var inner = table.ImplementationInstance as IMembershipTable
                ?? (IMembershipTable?)table.ImplementationFactory?.Invoke(sp)
                ?? (IMembershipTable)ActivatorUtilities.GetServiceOrCreateInstance(sp, table.ImplementationType!);
            var endpoints = string.Join(",", sp.GetRequiredService<IOptions<RedisClusteringOptions>>().Value.ConfigurationOptions?.EndPoints ?? []);
            return new WaitingMembershipTable(inner, attempt => UntilAnsweredAsync(attempt, endpoints, "membership", sp));
        });
    }

    /// <summary>Opens a connection for <paramref name="what"/>, waiting for Redis up to the startup timeout.</summary>
    public static Func<ConfigurationOptions, Task<(IConnectionMultiplexer Multiplexer, bool IsShared)>> Connector(IServiceProvider services, string what)
        => options => UntilAnsweredAsync<(IConnectionMultiplexer, bool)>(
            async () => (await ConnectionMultiplexer.ConnectAsync(options), false), // owned by the provider that asked
            string.Join(",", options.EndPoints), what, services);

    private static Task UntilAnsweredAsync(Func<Task> attempt, string endpoints, string what, IServiceProvider services)
        => UntilAnsweredAsync(async () =>
        {
            await attempt();
            return true;
        }, endpoints, what, services);

    private static Task<T> UntilAnsweredAsync<T>(Func<Task<T>> attempt, string endpoints, string what, IServiceProvider services)
        => UntilAnsweredAsync(attempt, endpoints, what, services.GetRequiredService<IOptions<RedisOptions>>().Value.StartupTimeout,
            services.GetService<TimeProvider>() ?? TimeProvider.System, services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RedisStartup)));

    // Tries until Redis answers: a refused or silent connection, or a command that timed out, is tried again after a
    // pause, until the startup timeout.
    internal static async Task<T> UntilAnsweredAsync<T>(Func<Task<T>> attempt, string endpoints, string what, TimeSpan limit, TimeProvider time, ILogger logger)
    {
        var started = time.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
            {
                var left = limit - time.GetElapsedTime(started);
                var reason = Reason(e);
                if (left < pause)
                    throw new RedisStartupException($"Redis at {endpoints} could not be reached for {what} within {RedisOptions.Section}:StartupTimeout " +
                        $"({limit}): {reason} Check {RedisOptions.Section}:ConnectionString and that Redis is up, or raise the timeout.", e);
                LogUnreachable(logger, endpoints, what, reason, pause.TotalSeconds, left.TotalSeconds);
                await Task.Delay(pause, time);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    // StackExchange.Redis' message without its advice to set abortConnect=false, which is not the operator's fix here.
    private static string Reason(Exception e)
    {
        var advice = e.Message.IndexOf(" To allow this multiplexer", StringComparison.Ordinal);
        return advice < 0 ? e.Message : e.Message[..advice];
    }

    [LoggerMessage(1, LogLevel.Warning, "Redis at {Endpoints} is unreachable for {What} as this silo starts ({Error}); trying again in {Pause:F2} s, {Left:F0} s left of Surge:Redis:StartupTimeout")]
    private static partial void LogUnreachable(ILogger logger, string endpoints, string what, string error, double pause, double left);
}

/// <summary>Redis stayed unreachable for the whole of <see cref="RedisOptions.StartupTimeout"/> as the silo started.</summary>
public sealed class RedisStartupException(string message, Exception inner) : Exception(message, inner)
{
    private static readonly string AsText = typeof(RedisStartupException).FullName + ": ";

    /// <summary>This exception, wherever it is in what a failed host start threw (Orleans wraps it); null if not there.</summary>
    public static RedisStartupException? In(Exception? e) => e switch
    {
        null => null,
        RedisStartupException found => found,
        AggregateException all => all.InnerExceptions.Select(In).FirstOrDefault(f => f is not null),
        // Orleans' reminder table passes on only the type and message of what its connection threw.
        _ when e.Message.StartsWith(AsText, StringComparison.Ordinal) => new RedisStartupException(e.Message[AsText.Length..], e),
        _ => In(e.InnerException),
    };
}
