using Microsoft.Extensions.Logging;

namespace Surge.Pools;

/// <summary>
/// As a drain starts, tells every other active silo that this one drains, and notes it here too, so no silo places a
/// shard, a grain or pool work here meanwhile (<see cref="DrainingSilos"/>): membership lists this silo active until Orleans stops it. Best
/// effort: each silo gets <see cref="Timeout"/> to answer. Until the drain ends, every <see cref="Repeat"/> it tells
/// the active silos that have not answered yet, among them those that joined since (a scale-up during a rolling
/// restart); one never told (an earlier version) places as before, a shard still asks before it moves here
/// (<see cref="IPoolControl.IsDrainingAsync"/>), and a shard addressed here all the same serves elsewhere
/// (<see cref="ShardHomes.InsteadOfDrainingSilo"/>).
/// </summary>
internal sealed partial class DrainNotice(DrainingSilos draining, ILocalSiloDetails local, IGrainFactory grains,
    IClusterMembershipService membership, DrainSignal signal, TimeProvider time, ILogger<DrainNotice> logger)
{
    /// <summary>How long the drain waits for the others' answers, at most: the notice itself may still land later.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>How often, while the drain lasts, the silos not told yet are told.</summary>
    public static readonly TimeSpan Repeat = TimeSpan.FromSeconds(2);

    private readonly ILogger _logger = logger;

    /// <summary>
    /// Tells the others this silo stops within <paramref name="stopsWithin"/>, and goes on telling those that did not
    /// answer or joined later until the drain ends (<see cref="DrainSignal"/>) or that time has passed; never throws.
    /// </summary>
    public async Task TellAsync(TimeSpan stopsWithin)
    {
        var self = local.SiloAddress;
        draining.Heard(self, stopsWithin);
        var told = new HashSet<SiloAddress> { self };
        var (answered, asked) = await TellTheRestAsync(self, stopsWithin, told, late: false);
        if (asked > 0) LogTold(answered, asked);
        _ = KeepTellingAsync(self, stopsWithin, told); // never throws; ends with the drain
    }

    private async Task KeepTellingAsync(SiloAddress self, TimeSpan stopsWithin, HashSet<SiloAddress> told)
    {
        var started = time.GetTimestamp();
        try
        {
            while (time.GetElapsedTime(started) < stopsWithin)
            {
                await Task.Delay(Repeat, time, signal.Drained);
                await TellTheRestAsync(self, stopsWithin - time.GetElapsedTime(started), told, late: true);
            }
        }
        catch (OperationCanceledException)
        {
            // The drain ended: Orleans stops this silo next, and membership soon lists it stopping.
        }
    }

    // Tells the active silos not in told, and adds those that answered; how many answered, of how many asked.
    private async Task<(int Answered, int Asked)> TellTheRestAsync(SiloAddress self, TimeSpan stopsWithin, HashSet<SiloAddress> told, bool late)
    {
        var rest = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !told.Contains(m.SiloAddress)).Select(m => m.SiloAddress).ToList();
        var answers = await Task.WhenAll(rest.Select(silo => TellAsync(silo, self, stopsWithin, late)));
        for (var i = 0; i < rest.Count; i++)
        {
            if (!answers[i]) continue;
            told.Add(rest[i]);
            if (late) LogToldLate(rest[i].ToString());
        }
        return (answers.Count(a => a), rest.Count);
    }

    private async Task<bool> TellAsync(SiloAddress silo, SiloAddress self, TimeSpan stopsWithin, bool late)
    {
        try
        {
            await grains.GetGrain<IPoolControl>(silo.ToParsableString()).SiloDrainsAsync(self, stopsWithin).WaitAsync(Timeout, time);
            return true;
        }
        catch (Exception e)
        {
            if (late) LogNotToldAgain(silo.ToString(), e.Message);
            else LogNotTold(silo.ToString(), e.Message);
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Draining: told {Told} of the {Others} other active silos to place nothing here")]
    private partial void LogTold(int told, int others);

    [LoggerMessage(2, LogLevel.Warning, "Draining: silo {Silo} did not hear that this silo drains ({Reason}); it may still place shards, grains or work here, and is told again while the drain lasts")]
    private partial void LogNotTold(string silo, string reason);

    [LoggerMessage(3, LogLevel.Information, "Draining: told silo {Silo} too, which had not answered or joined since the drain started")]
    private partial void LogToldLate(string silo);

    [LoggerMessage(4, LogLevel.Debug, "Draining: silo {Silo} still did not hear that this silo drains ({Reason})")]
    private partial void LogNotToldAgain(string silo, string reason);
}
