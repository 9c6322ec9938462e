using Microsoft.Extensions.Logging;

namespace Surge.Pools;

/// <summary>
/// As a drain starts, tells every other active silo that this one drains, and notes it here too, so no silo places a
/// shard, a grain or pool work here meanwhile (<see cref="DrainingSilos"/>): membership lists this silo active until Orleans stops it. Best
/// effort: each silo gets <see cref="Timeout"/> to answer; one that does not (dead but not yet declared so, or an
/// earlier version) places as before, and a shard still asks before it moves here (<see cref="IPoolControl.IsDrainingAsync"/>).
/// </summary>
internal sealed partial class DrainNotice(DrainingSilos draining, ILocalSiloDetails local, IGrainFactory grains,
    IClusterMembershipService membership, TimeProvider time, ILogger<DrainNotice> logger)
{
    /// <summary>How long the drain waits for the others' answers, at most: the notice itself may still land later.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger = logger;

    /// <summary>Tells the others this silo stops within <paramref name="stopsWithin"/>; never throws.</summary>
    public async Task TellAsync(TimeSpan stopsWithin)
    {
        var self = local.SiloAddress;
        draining.Heard(self, stopsWithin);
        var others = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(self)).Select(m => m.SiloAddress).ToList();
        if (others.Count == 0) return;
        var told = await Task.WhenAll(others.Select(silo => TellAsync(silo, self, stopsWithin)));
        LogTold(told.Count(t => t), others.Count);
    }

    private async Task<bool> TellAsync(SiloAddress silo, SiloAddress self, TimeSpan stopsWithin)
    {
        try
        {
            await grains.GetGrain<IPoolControl>(silo.ToParsableString()).SiloDrainsAsync(self, stopsWithin).WaitAsync(Timeout, time);
            return true;
        }
        catch (Exception e)
        {
            LogNotTold(silo.ToString(), e.Message);
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Draining: told {Told} of the {Others} other active silos to place nothing here")]
    private partial void LogTold(int told, int others);

    [LoggerMessage(2, LogLevel.Warning, "Draining: silo {Silo} did not hear that this silo drains ({Reason}); it may still place shards, grains or work here")]
    private partial void LogNotTold(string silo, string reason);
}
