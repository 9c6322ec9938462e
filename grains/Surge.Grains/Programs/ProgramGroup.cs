namespace Surge.Programs;

/// <summary>
/// A running program's processes: its process group (the program leads one of its own, started by setsid), and
/// every process seen in its tree, which also covers one that left the group. Stopping it signals both.
/// </summary>
internal sealed class ProgramGroup(int leader, bool grouped)
{
    private readonly HashSet<int> _seen = [leader];
    private readonly Lock _lock = new();

    public int Leader => leader;

    /// <summary>The program and its descendants alive now, remembered for <see cref="Signal"/>. Only while the program runs: its pid is reused after.</summary>
    public List<int> Tree()
    {
        var tree = ProcessTree.Of(leader);
        lock (_lock) _seen.UnionWith(tree);
        return tree;
    }

    /// <summary>Sends <paramref name="signal"/> to the whole group and to every process seen in the tree that is still alive.</summary>
    public void Signal(int signal)
    {
        if (grouped) ProcessTree.SignalGroup(leader, signal);
        List<int> seen;
        lock (_lock) seen = [.. _seen];
        var alive = seen.Where(ProcessTree.IsAlive).ToList();
        if (alive.Count > 0) ProcessTree.Signal(alive, signal);
    }
}
