using Microsoft.Extensions.Options;
using Orleans.Serialization;
using StackExchange.Redis;
using Surge.Entities;
using Surge.Tasks;

namespace Surge.Hosting.Redis;

/// <summary>
/// Entity books in Redis, a key per book with its own expiry, read and written in batches: one MGET or one script call per batch, where
/// Orleans' Redis grain storage makes a round trip (and a script run) per book. A key's hash tag is its entity shard,
/// so a batch stays in one slot of a Redis cluster.
/// </summary>
/// <remarks>
/// No ETag check: an entity shard is never active twice (cluster mode uses the strongly consistent grain directory),
/// as task shards, which write their records the same way, are not.
/// </remarks>
internal sealed class RedisEntityBookStore(
    RedisConnection connection,
    Serializer<EntityRecord> serializer,
    IOptions<ClusterOptions> cluster,
    IOptions<TaskOptions> tasks,
    IOptions<EntityOptions> entities) : IEntityBookStore
{
    private readonly string _serviceId = cluster.Value.ServiceId;

    // An entity untouched this long has nothing left: its events' records are final and forgotten, none is held, none runs.
    private readonly TimeSpan _expiry = tasks.Value.Retention + entities.Value.HoldLimit + tasks.Value.MaxTimeout;

    private RedisKey Key(int shard, string entity) => $"surge:{_serviceId}:entities:{{{shard}}}:{entity}";

    public async ValueTask<IReadOnlyList<GrainState<EntityRecord>>> LoadAsync(int shard, IReadOnlyList<string> entities)
    {
        var keys = new RedisKey[entities.Count];
        for (var i = 0; i < keys.Length; i++) keys[i] = Key(shard, entities[i]);
        var stored = await (await connection.DatabaseAsync()).StringGetAsync(keys);
        return Array.ConvertAll(stored, value => value.IsNull
            ? new GrainState<EntityRecord>(new EntityRecord())
            : new GrainState<EntityRecord>(serializer.Deserialize((byte[])value!)) { RecordExists = true });
    }

    public async ValueTask SaveAsync(int shard, IReadOnlyList<BookWrite> books)
    {
        // Serialized now, on the shard's thread, before anything is awaited: each book as it stands when its batch goes out.
        var writes = new Dictionary<string, RedisValue>(books.Count, StringComparer.Ordinal);
        foreach (var book in books) writes[book.Entity] = book.IsEmpty ? RedisValue.EmptyString : serializer.SerializeToArray(book.State.State!);
        var database = await connection.DatabaseAsync();
        if (writes.Count == 1)
        {
            // Most batches hold one book (a shard's writes rarely overlap): one plain command, which costs Redis far less
            // than running the script for it.
            var (entity, book) = writes.First();
            if (book.IsNullOrEmpty) await database.KeyDeleteAsync(Key(shard, entity));
            else await database.StringSetAsync(Key(shard, entity), book, _expiry);
            return;
        }
        var keys = new RedisKey[writes.Count];
        var values = new RedisValue[writes.Count + 1];
        values[0] = (long)_expiry.TotalMilliseconds;
        var i = 0;
        foreach (var (entity, value) in writes)
        {
            keys[i] = Key(shard, entity);
            values[++i] = value;
        }
        await database.ScriptEvaluateAsync(SaveScript, keys, values);
    }

    // One command per batch, applied as a whole: each book set with its expiry, or deleted when empty (a stored
    // book is never zero bytes).
    private const string SaveScript = """
        for i, key in ipairs(KEYS) do
          local value = ARGV[i + 1]
          if value == '' then redis.call('DEL', key) else redis.call('SET', key, value, 'PX', ARGV[1]) end
        end
        """;
}
