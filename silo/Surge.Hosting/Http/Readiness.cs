using Surge.Pools;

namespace Surge.Hosting;

/// <summary>Ready for work: this silo is active in the cluster, its pools run, and it is not draining.</summary>
internal sealed class Readiness(IClusterMembershipService membership, ILocalSiloDetails silo, PoolRunner executor)
{
    /// <summary>Null when ready; otherwise why not, for the probe's body.</summary>
    public string? Check()
    {
        if (executor.IsDraining) return "draining";
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return status == SiloStatus.Active ? null : $"silo is {status}";
    }
}
