using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Surge.Entities;

/// <summary>
/// Books in the <see cref="SurgeStorage.Entities"/> grain storage, each under the name the grain per entity that
/// entity shards replaced stored it under, so books stored then stay readable. Any Orleans grain storage works; it
/// has no batch write, so a batch is one write per book, in parallel.
/// </summary>
internal sealed class GrainStorageBookStore(IServiceProvider services) : IEntityBookStore
{
    private const string StateName = "entity";
    private static readonly GrainType BookType = GrainType.Create("entity");

    private readonly IGrainStorage _storage = services.GetRequiredKeyedService<IGrainStorage>(SurgeStorage.Entities);

    public async ValueTask<IReadOnlyList<GrainState<EntityRecord>>> LoadAsync(int shard, IReadOnlyList<string> entities)
    {
        if (entities.Count == 1)
        {
            var read = LoadAsync(entities[0]);
            return [read.IsCompletedSuccessfully ? read.Result : await read]; // a storage in memory answers at once
        }
        return await Task.WhenAll(entities.Select(e => LoadAsync(e).AsTask()));
    }

    private async ValueTask<GrainState<EntityRecord>> LoadAsync(string entity)
    {
        var state = new GrainState<EntityRecord>(new EntityRecord());
        await _storage.ReadStateAsync(StateName, StorageId(entity), state);
        state.State ??= new EntityRecord();
        return state;
    }

    // Each book's ETag fences its writes: nothing to claim.
    public ValueTask<ShardClaim> ClaimAsync(int shard) => ValueTask.FromResult(new ShardClaim(shard, 0));

    public async ValueTask SaveAsync(ShardClaim claim, IReadOnlyList<BookWrite> books)
    {
        if (books.Count == 1)
        {
            await SaveAsync(books[0]);
            return;
        }
        // Once per book (its ETag must follow its own writes), the last of each: the book as it stands now.
        var latest = new Dictionary<GrainState<EntityRecord>, BookWrite>(ReferenceEqualityComparer.Instance);
        foreach (var book in books) latest[book.State] = book;
        await Task.WhenAll(latest.Values.Select(SaveAsync));
    }

    private Task SaveAsync(BookWrite book) => book.IsEmpty
        ? _storage.ClearStateAsync(StateName, StorageId(book.Entity), book.State)
        : _storage.WriteStateAsync(StateName, StorageId(book.Entity), book.State);

    private static GrainId StorageId(string entity) => GrainId.Create(BookType, entity);
}
