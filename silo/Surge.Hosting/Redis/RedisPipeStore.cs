using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Surge.Flows;

namespace Surge.Hosting.Redis;

/// <summary>
/// Pipes in Redis, a key per pipe with its flow's TTL: <c>SET … NX PX</c> makes the first write win in one command, so
/// two writers of one key (a wave run again for the same date and version) cannot both succeed.
/// </summary>
internal sealed class RedisPipeStore(RedisConnection connection, IOptions<ClusterOptions> cluster) : IPipeStore
{
    private readonly string _prefix = $"surge:{cluster.Value.ServiceId}:pipes:";

    public async ValueTask<PipeWrite> WriteAsync(string key, ReadOnlyMemory<byte> value, TimeSpan ttl)
    {
        var db = await connection.DatabaseAsync();
        if (await db.StringSetAsync(_prefix + key, value, ttl, When.NotExists)) return PipeWrite.Written;
        var existing = await db.StringGetAsync(_prefix + key);
        return existing.HasValue && ((ReadOnlyMemory<byte>)existing).Span.SequenceEqual(value.Span) ? PipeWrite.Same : PipeWrite.Refused;
    }

    public async ValueTask<ReadOnlyMemory<byte>?[]> ReadAsync(IReadOnlyList<string> keys)
    {
        var db = await connection.DatabaseAsync();
        var values = await db.StringGetAsync([.. keys.Select(k => (RedisKey)(_prefix + k))]);
        return Array.ConvertAll(values, v => v.HasValue ? (ReadOnlyMemory<byte>?)(ReadOnlyMemory<byte>)v : null);
    }
}
