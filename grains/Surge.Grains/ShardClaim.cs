namespace Surge;

/// <summary>
/// A shard activation's claim on what it stores (task shards' records, entity shards' books): <see cref="Epoch"/>
/// grows with every claim of the shard, and a store refuses writes under any claim but the latest. An activation
/// claims before it reads, so it reads everything an earlier activation could ever store.
/// </summary>
internal readonly record struct ShardClaim(int Shard, long Epoch);

/// <summary>A write under a claim that a later claim of the same shard has replaced: nothing of it was stored.</summary>
internal sealed class ShardClaimLostException(ShardClaim claim)
    : Exception($"shard {claim.Shard} was claimed again after claim {claim.Epoch}: another activation serves it now")
{
    public ShardClaim Claim => claim;
}
