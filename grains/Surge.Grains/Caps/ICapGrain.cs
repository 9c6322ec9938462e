namespace Surge.Caps;

/// <summary>
/// The cluster-wide cap of one task type (key: the type). Silos hold leases of slots and take start tokens in
/// batches; the grain keeps the sum of leased slots within the cap. Called per silo every few tens of milliseconds
/// while the type has work, never per task.
/// </summary>
internal interface ICapGrain : IGrainWithStringKey
{
    Task<CapGrant> SyncAsync(CapRequest request);
}

/// <param name="Silo">The asking silo.</param>
/// <param name="Held">Slots it holds now (what it was granted last).</param>
/// <param name="InUse">Slots running its tasks: never taken back.</param>
/// <param name="Wanted">Slots it could use now (running plus waiting), within the cap.</param>
/// <param name="TokensWanted">Starts it could make now under the rate limit.</param>
[GenerateSerializer, Immutable]
internal sealed record CapRequest(
    [property: Id(0)] string Silo,
    [property: Id(1)] int Held,
    [property: Id(2)] int InUse,
    [property: Id(3)] int Wanted,
    [property: Id(4)] int TokensWanted);

/// <param name="Slots">Slots this silo now holds (may be fewer than it asked for, never fewer than in use).</param>
/// <param name="Tokens">Starts granted by the rate limit, to spend within the lease.</param>
/// <param name="Lease">How long the slots are this silo's without another sync: shorter, down to zero, while the store refuses the cap's in-use mark.</param>
[GenerateSerializer, Immutable]
internal sealed record CapGrant(
    [property: Id(0)] int Slots,
    [property: Id(1)] int Tokens,
    [property: Id(2)] TimeSpan Lease);
