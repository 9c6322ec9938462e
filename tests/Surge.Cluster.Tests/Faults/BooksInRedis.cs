using Orleans.TestingHost;
using Surge.Hosting.Redis;

namespace Surge.Cluster.Tests.Faults;

/// <summary>Task records and entity books in the redis-server named by Surge:Redis:ConnectionString, as in cluster mode.</summary>
internal sealed class BooksInRedis : ISiloConfigurator
{
    public void Configure(ISiloBuilder silo) => silo.UseRedisTaskStore();
}
