using System.Text.Json;
using Surge.Client;

namespace Surge.Hosting;

/// <summary>What <c>/api/status</c> and the <c>/surge</c> page show: silos, pools, recent scaling decisions.</summary>
internal sealed record ClusterStatus(DateTimeOffset At, SiloInfo[] Silos, PoolStats[] Pools, AutoscaleDecision[] Autoscale)
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<ClusterStatus> ReadAsync(ISurgeClient surge, TimeProvider time, CancellationToken cancellationToken)
    {
        var silos = surge.GetSilosAsync(cancellationToken);
        var pools = surge.GetPoolsAsync(cancellationToken);
        var autoscale = surge.GetAutoscaleHistoryAsync(20, cancellationToken);
        return new ClusterStatus(time.GetUtcNow(), await silos, await pools, await autoscale);
    }
}
