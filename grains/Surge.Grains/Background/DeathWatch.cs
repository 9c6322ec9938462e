namespace Surge.Background;

/// <summary>
/// Which silos this silo has seen declared dead, from its membership snapshots: a keeper's cue to wake what a death may
/// have stopped (waves, schedules), within a second of the death rather than at its own next period. Pure: it reads the
/// snapshots it is given, with no I/O.
/// </summary>
internal sealed class DeathWatch
{
    private readonly HashSet<SiloAddress> _dead = [];

    /// <summary>The membership version of the latest snapshot that showed a death no earlier one did; 0 before any.</summary>
    public long LatestDeath { get; private set; }

    /// <summary>Reads a snapshot: true when it shows a silo dead that no snapshot before it did.</summary>
    public bool Saw(ClusterMembershipSnapshot snapshot)
    {
        var news = false;
        foreach (var member in snapshot.Members.Values)
            if (member.Status == SiloStatus.Dead && _dead.Add(member.SiloAddress)) news = true;
        if (news) LatestDeath = Math.Max(LatestDeath, snapshot.Version.Value);
        return news;
    }
}
