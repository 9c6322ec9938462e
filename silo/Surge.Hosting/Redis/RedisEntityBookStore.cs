using Microsoft.Extensions.Options;
using Orleans.Serialization;
using StackExchange.Redis;
using Surge.Entities;
using Surge.Tasks;

namespace Surge.Hosting.Redis;

/// <summary>
/// Entity books in Redis, a key per book, read and written in batches: one MGET or one script call per batch, where
/// Orleans' Redis grain storage makes a round trip (and a script run) per book. A key's hash tag is its entity shard,
/// so a batch stays in one slot of a Redis cluster. Only an idle book (nothing running or held: it only remembers
/// what was handled) expires; a book with a running or held event is stored without expiry, since a run may outlast any
/// expiry (attempts retried with backoff, a long queue), and an expired book would let the entity's next event run
/// beside it and forget the held ones.
/// </summary>
/// <remarks>
/// Writes are fenced by the shard's claim, a counter under the shard's own key in the same slot: every write is one
/// script that first compares the writer's claim with it. Orleans' directory keeps an entity shard from being active
/// twice while its silos behave; the claim covers one that does not, such as a silo paused past the time membership
/// gives it to stop, which wakes with writes in flight.
/// </remarks>
internal sealed class RedisEntityBookStore(
    RedisConnection connection,
    Serializer<EntityRecord> serializer,
    IOptions<ClusterOptions> cluster,
    IOptions<TaskOptions> tasks,
    IOptions<EntityOptions> entities) : IEntityBookStore
{
    private readonly string _serviceId = cluster.Value.ServiceId;

    // An idle book untouched this long remembers nothing a later event needs: its events' records are final and forgotten.
    private readonly TimeSpan _expiry = tasks.Value.Retention + entities.Value.HoldLimit + tasks.Value.MaxTimeout;

    private const string ClaimLost = "SURGE_CLAIM_LOST";

    private RedisKey Key(int shard, string entity) => $"surge:{_serviceId}:entities:{{{shard}}}:{entity}";

    private RedisKey ClaimKey(int shard) => $"surge:{_serviceId}:entities:{{{shard}}}";

    public async ValueTask<ShardClaim> ClaimAsync(int shard)
        => new(shard, await (await connection.DatabaseAsync()).StringIncrementAsync(ClaimKey(shard)));

    public async ValueTask<IReadOnlyList<GrainState<EntityRecord>>> LoadAsync(int shard, IReadOnlyList<string> entities)
    {
        var keys = new RedisKey[entities.Count];
        for (var i = 0; i < keys.Length; i++) keys[i] = Key(shard, entities[i]);
        var stored = await (await connection.DatabaseAsync()).StringGetAsync(keys);
        return Array.ConvertAll(stored, value => value.IsNull
            ? new GrainState<EntityRecord>(new EntityRecord())
            : new GrainState<EntityRecord>(serializer.Deserialize((byte[])value!)) { RecordExists = true });
    }

    public async ValueTask SaveAsync(ShardClaim claim, IReadOnlyList<BookWrite> books)
    {
        // Serialized now, on the shard's thread, before anything is awaited: each book as it stands when its batch goes out.
        var writes = new Dictionary<string, (RedisValue Value, bool Expires)>(books.Count, StringComparer.Ordinal);
        foreach (var book in books)
            writes[book.Entity] = (book.IsEmpty ? RedisValue.EmptyString : serializer.SerializeToArray(book.State.State!), book.IsIdle);
        var keys = new RedisKey[writes.Count + 1];
        var values = new RedisValue[2 * writes.Count + 2];
        keys[0] = ClaimKey(claim.Shard);
        values[0] = claim.Epoch;
        values[1] = (long)_expiry.TotalMilliseconds;
        var i = 0;
        foreach (var (entity, (value, expires)) in writes)
        {
            keys[++i] = Key(claim.Shard, entity);
            values[2 * i] = value;
            values[2 * i + 1] = expires ? 1 : 0;
        }
        try
        {
            await (await connection.DatabaseAsync()).ScriptEvaluateAsync(SaveScript, keys, values);
        }
        catch (RedisServerException e) when (e.Message.Contains(ClaimLost, StringComparison.Ordinal))
        {
            throw new ShardClaimLostException(claim);
        }
    }

    // One command per batch, applied as a whole once the claim is checked: each book deleted when empty (a stored book
    // is never zero bytes), set with the expiry when idle, else set without one (SET drops an expiry the key had).
    private const string SaveScript = $$"""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('{{ClaimLost}}') end
        for i = 2, #KEYS do
          local value = ARGV[2 * i - 1]
          if value == '' then redis.call('DEL', KEYS[i])
          elseif ARGV[2 * i] == '1' then redis.call('SET', KEYS[i], value, 'PX', ARGV[2])
          else redis.call('SET', KEYS[i], value) end
        end
        return 1
        """;
}
