using System.Collections.Immutable;

namespace Surge.Tests;

/// <summary>A membership view that never changes: what placement and dispatch tests read instead of a cluster's.</summary>
internal sealed class FixedMembership(ClusterMembershipSnapshot snapshot) : IClusterMembershipService
{
    /// <summary>Every one of <paramref name="silos"/> listed active.</summary>
    public static FixedMembership Active(params SiloAddress[] silos)
        => new(new ClusterMembershipSnapshot(
            silos.ToImmutableDictionary(s => s, s => new ClusterMember(s, SiloStatus.Active, $"silo-{s.Endpoint.Port}")), new MembershipVersion(1)));

    public ClusterMembershipSnapshot CurrentSnapshot => snapshot;
    public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();
    public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);
}
