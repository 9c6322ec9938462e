using StackExchange.Redis;

namespace Surge.Hosting.Redis;

/// <summary>
/// Surge's own Redis connection, for task records. Connects without blocking a thread (hundreds of shards activate
/// at once when a silo starts), keeps reconnecting if Redis is not up yet, and fails commands at once while Redis is
/// away, so a submission gets a retryable error instead of waiting unacknowledged.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly Task<ConnectionMultiplexer> _connecting;

    public RedisConnection(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AbortOnConnectFail = false;
        _connecting = ConnectionMultiplexer.ConnectAsync(options);
    }

    public async ValueTask<IDatabase> DatabaseAsync() => (await _connecting).GetDatabase();

    public async ValueTask DisposeAsync() => await (await _connecting).DisposeAsync();
}
