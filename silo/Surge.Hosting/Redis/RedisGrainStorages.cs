using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Persistence;
using Orleans.Storage;
using StackExchange.Redis;
using Surge.Policies;

namespace Surge.Hosting.Redis;

/// <summary>
/// Surge's grain storages in Redis, the cache's with a TTL so what nobody reads again does not stay forever. Entity
/// books go to Redis through <see cref="RedisEntityBookStore"/>, in batches, not through a grain storage.
/// </summary>
internal static class RedisGrainStorages
{
    public static ISiloBuilder AddSurgeRedisStorage(this ISiloBuilder silo, string connectionString)
    {
        Add(silo, SurgeStorage.Name, connectionString, expiry: null);
        // A cached result is never served past its CacheTtl; the TTL is the largest, since one storage serves every type.
        Add(silo, SurgeStorage.Cache, connectionString, sp => LongestCacheTtl(sp.GetRequiredService<IOptions<TaskPoliciesOptions>>().Value));
        // A wave and its entities' runs are kept a month after their last change: long enough to look back, bounded.
        Add(silo, SurgeStorage.Waves, connectionString, _ => WaveRetention);
        // A session lasts its proof's lifetime unless renewed: one a client stopped renewing goes a little after.
        Add(silo, SurgeStorage.Sessions, connectionString, _ => ClientProof.Lifetime + TimeSpan.FromMinutes(5));
        return silo;
    }

    internal static readonly TimeSpan WaveRetention = TimeSpan.FromDays(30);

    internal static TimeSpan LongestCacheTtl(TaskPoliciesOptions policies)
        => policies.Types.Values.Select(p => p.CacheTtl).Append(policies.Default.CacheTtl).Max();

    private static void Add(ISiloBuilder silo, string name, string connectionString, Func<IServiceProvider, TimeSpan>? expiry)
    {
        silo.AddRedisGrainStorage(name, options => options.Configure<IServiceProvider>((o, sp) =>
        {
            o.ConfigurationOptions = ConfigurationOptions.Parse(connectionString);
            // While Redis is away a read or write fails at once, as task records' do (RedisConnection), instead of
            // waiting in the client's backlog for the 5 s command timeout: the caller hears a retryable refusal now.
            o.ConfigurationOptions.BacklogPolicy = BacklogPolicy.FailFast;
            var connect = RedisStartup.Connector(sp, $"grain storage '{name}'");
            o.CreateMultiplexer = options => connect(options.ConfigurationOptions!);
            // Orleans' own serializer, as the task records use: the default JSON one cannot read back immutable collections.
            o.GrainStorageSerializer = ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp);
            if (expiry is null) return;
            o.EntryExpiry = expiry(sp);
            o.DeleteStateOnClear = true; // a cleared entry is gone at once, not kept empty until its TTL
        }));
        RefusingGrainStorage.Wrap(silo.Services, name);
    }
}
