namespace Surge.Programs;

/// <summary>
/// A running program's processes: its process group (the program leads one of its own, started by setsid), and
/// every process seen in its tree, which also covers one that left the group. Stopping it signals both, but only
/// processes that are still the ones seen: Linux reuses pids, so each is remembered with when it started.
/// </summary>
internal sealed class ProgramGroup
{
    private readonly int _leader;
    private readonly bool _grouped;
    private readonly Dictionary<int, long?> _seen = []; // pid -> its start time when seen (null: gone by then)
    private readonly Lock _lock = new();

    public ProgramGroup(int leader, bool grouped)
    {
        (_leader, _grouped) = (leader, grouped);
        _seen[leader] = ProcessTree.StartTime(leader);
    }

    public int Leader => _leader;

    /// <summary>The program and its descendants alive now, remembered for <see cref="Signal"/>.</summary>
    public List<int> Tree()
    {
        var tree = ProcessTree.Of(_leader);
        lock (_lock)
        {
            foreach (var pid in tree)
            {
                if (!_seen.ContainsKey(pid)) _seen[pid] = ProcessTree.StartTime(pid); // read once: this runs every 20 ms while the program does
            }
        }
        return tree;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the whole group and to every process seen in the tree that is still that
    /// process. The group's id is the leader's pid, which Linux does not hand out again while the group has members:
    /// if another process holds that pid now, the group is gone and its id may be another program's group.
    /// </summary>
    public void Signal(int signal)
    {
        List<int> alive;
        bool leaderReused;
        lock (_lock)
        {
            alive = [.. _seen.Where(s => s.Value is { } started && ProcessTree.StartTime(s.Key) == started && ProcessTree.IsAlive(s.Key)).Select(s => s.Key)];
            leaderReused = ProcessTree.StartTime(_leader) is { } now && now != _seen[_leader];
        }
        if (_grouped && !leaderReused) ProcessTree.SignalGroup(_leader, signal);
        if (alive.Count > 0) ProcessTree.Signal(alive, signal);
    }

    /// <summary>
    /// SIGTERM, then SIGKILL once the program has exited (<paramref name="exited"/>) or <paramref name="grace"/> has
    /// passed, whichever is first: the program gets its grace to clean up, its descendants none past it.
    /// </summary>
    public async Task StopAsync(Task exited, TimeSpan grace, TimeProvider time)
    {
        if (!exited.IsCompleted) Tree(); // remember who is in it now
        Signal(ProcessTree.SigTerm);
        try
        {
            await exited.WaitAsync(grace, time);
        }
        catch (TimeoutException)
        {
        }
        // Children may outlive a parent that obeyed, or the tree may have grown: kill the group and all seen in it.
        if (!exited.IsCompleted) Tree();
        Signal(ProcessTree.SigKill);
    }
}
