namespace Surge.Pools;

/// <summary>
/// Work runs only on the silo its record names. Classifier and pool grains are stateless workers, activated where they
/// are called, except when the calling silo is stopping or no longer counts itself active (declared dead while cut
/// off): Orleans then places the call on another silo. A batch that lands there would run tasks whose records name the
/// first silo, which a recovery runs again once that silo is declared dead: twice, and an entity's events out of order
/// (a chaos run saw both). So such a batch is refused, and the shard that sent it dispatches again, fenced by its claim.
/// </summary>
internal static class HereOnly
{
    public static void Check(string? meantFor, ILocalSiloDetails silo)
    {
        if (meantFor is not null && meantFor != silo.SiloAddress.ToParsableString())
            throw new SiloUnavailableException($"a dispatch batch for silo {meantFor} reached silo {silo.SiloAddress.ToParsableString()}: refused, as work runs only where its record says");
    }
}
