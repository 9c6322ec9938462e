using Orleans.Runtime.Messaging;
using Surge.Client;

namespace Surge.Hosting;

/// <summary>
/// Each active silo's <see cref="SiloSummary"/>, one call per silo: what <c>/api/status</c> shows. The silos come from
/// this silo's view of the membership, so no call is spent on finding them.
/// </summary>
internal sealed class SiloSummaries(IGrainFactory grains, IClusterMembershipService membership, TimeProvider time)
{
    /// <summary>How long one silo may take: a dying or joining silo is left out rather than holding up the page.</summary>
    public static readonly TimeSpan PerSiloTimeout = TimeSpan.FromSeconds(5);

    /// <exception cref="SurgeUnavailableException">No active silo answered.</exception>
    public async Task<SiloSummary[]> ReadAsync(CancellationToken cancellationToken)
    {
        var silos = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString()).Order(StringComparer.Ordinal).ToArray();
        var answers = await Task.WhenAll(silos.Select(async key =>
        {
            try
            {
                return await grains.GetGrain<IWorkerSiloGrain>(key).GetSummaryAsync().WaitAsync(PerSiloTimeout, time, cancellationToken);
            }
            catch (Exception e) when (IsSiloGone(e, cancellationToken))
            {
                return null;
            }
        }));
        var answered = answers.OfType<SiloSummary>().ToArray();
        return answered.Length > 0 ? answered
            : throw new SurgeUnavailableException($"none of the {silos.Length} active silos answered within {PerSiloTimeout.TotalSeconds:F0} s. Safe to retry.", new TimeoutException());
    }

    private static bool IsSiloGone(Exception e, CancellationToken caller) => e is TimeoutException or SiloUnavailableException
        or OrleansMessageRejectionException or ConnectionFailedException || (e is OperationCanceledException && !caller.IsCancellationRequested);
}
