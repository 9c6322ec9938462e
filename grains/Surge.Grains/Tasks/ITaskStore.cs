namespace Surge.Tasks;

/// <summary>
/// Where task shards keep their records: written before a change can be observed, read back when a shard activates
/// (after a restart or on another silo). In this process's memory on embedded defaults; Redis in cluster mode.
/// </summary>
/// <remarks>
/// Writes are fenced by claims. An activation claims its shard before it loads it; from then on the store refuses
/// every write made under an earlier claim (<see cref="ShardClaimLostException"/>). So a second activation of a shard,
/// such as one left on a silo that was paused or cut off long enough to be declared dead, cannot write over the records
/// of the activation that replaced it, and every write the store accepted is in what the new activation loads.
/// </remarks>
internal interface ITaskStore
{
    /// <summary>Makes the caller the shard's only writer: writes under any earlier claim are refused from now on.</summary>
    ValueTask<ShardClaim> ClaimAsync(int shard);

    /// <summary>
    /// Writes the records of one shard in one round trip (a shard's journal batches what arrived while the last write
    /// was in flight). All or nothing from the caller's view: a throw means none of them may be assumed stored. With no
    /// records it only checks the claim: it throws <see cref="ShardClaimLostException"/> when a later claim replaced it.
    /// </summary>
    ValueTask SaveAsync(ShardClaim claim, IReadOnlyList<TaskRecord> records);

    ValueTask RemoveAsync(ShardClaim claim, IReadOnlyCollection<string> taskIds);

    ValueTask<IReadOnlyCollection<TaskRecord>> LoadAsync(int shard);
}
