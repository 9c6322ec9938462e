using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Surge.Entities;
using Surge.Flows;
using Surge.Tasks;

namespace Surge.Hosting.Redis;

/// <summary>Keeps task records and entity books in Redis, so they outlive any silo.</summary>
public static class RedisTaskStoreExtensions
{
    /// <summary>
    /// Task records and entity books go to Redis (a hash per task shard, a key per book, under
    /// <c>Surge:Cluster:ServiceId</c>), written in batches, whatever the order of this call and <c>AddSurgeWorkers</c>:
    /// it replaces any task or book store already registered, and AddSurgeWorkers adds its defaults (records in memory,
    /// books in the <see cref="SurgeStorage.Entities"/> grain storage) only where none is. The connection string defaults to <c>Surge:Redis:ConnectionString</c>
    /// (or <c>SURGE_REDIS</c>). Cluster mode of <c>AddSurgeSilo</c> calls it.
    /// </summary>
    public static ISiloBuilder UseRedisTaskStore(this ISiloBuilder silo, string? connectionString = null)
    {
        silo.Services.UseRedisTaskStore(connectionString);
        return silo;
    }

    /// <inheritdoc cref="UseRedisTaskStore(ISiloBuilder, string?)"/>
    public static IServiceCollection UseRedisTaskStore(this IServiceCollection services, string? connectionString = null)
    {
        services.TryAddSingleton(sp => new RedisConnection(connectionString ?? RedisOptions.From(sp.GetRequiredService<IConfiguration>())
            ?? throw new InvalidOperationException($"UseRedisTaskStore: set {RedisOptions.Section}:ConnectionString or {RedisOptions.EnvironmentVariable}, or pass the connection string")));
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section);
        services.RemoveAll<ITaskStore>();
        services.AddSingleton<ITaskStore, RedisTaskStore>();
        services.RemoveAll<IEntityBookStore>();
        services.AddSingleton<IEntityBookStore, RedisEntityBookStore>();
        services.RemoveAll<IPipeStore>();
        services.AddSingleton<IPipeStore, RedisPipeStore>();
        return services;
    }
}
