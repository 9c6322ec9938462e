namespace Surge.Entities;

/// <summary>
/// Where entity shards keep their books: written before an admission is answered and before a release is sent, read
/// when a book is first needed (after a restart, or on another silo). By default the <see cref="SurgeStorage.Entities"/>
/// grain storage, one call per book; in cluster mode Redis, one round trip per batch.
/// </summary>
/// <remarks>
/// Writes are fenced, so a second activation of a shard (one left on a silo that was paused past the time membership
/// gives it to stop) cannot write over newer books: by each book's ETag in grain storage, by the shard's
/// <see cref="ShardClaim"/> in Redis.
/// </remarks>
internal interface IEntityBookStore
{
    /// <summary>Makes the caller the shard's only writer, before it reads any book: writes under an earlier claim are refused.</summary>
    ValueTask<ShardClaim> ClaimAsync(int shard);

    /// <summary>
    /// The entities' stored books, in the order asked, a new empty one where none is stored; no
    /// <see cref="IGrainState{T}.State"/> is null. One round trip for the batch where the store allows it.
    /// </summary>
    ValueTask<IReadOnlyList<GrainState<EntityRecord>>> LoadAsync(int shard, IReadOnlyList<string> entities);

    /// <summary>
    /// Writes the books of one shard, each as it stands when the batch goes out (on the shard's thread), a book with
    /// nothing left (<see cref="EntitySequencer.IsEmpty"/>) as removed. A book may appear more than once; it is
    /// written once. All or nothing from the caller's view: a throw means none of them may be assumed stored.
    /// </summary>
    ValueTask SaveAsync(ShardClaim claim, IReadOnlyList<BookWrite> books);
}

/// <summary>One book to store: its entity and its state, whose ETag the store keeps up to date.</summary>
internal readonly record struct BookWrite(string Entity, GrainState<EntityRecord> State)
{
    /// <summary>Nothing held, running or remembered: nothing to keep in storage.</summary>
    public bool IsEmpty => new EntitySequencer(State.State!).IsEmpty;

    /// <summary>Nothing running or held: a store with expiry may let it go once untouched long enough, and only then.</summary>
    public bool IsIdle => new EntitySequencer(State.State!).IsIdle;
}
