using System.Runtime.InteropServices;

namespace Surge.Programs;

/// <summary>A program's process and its descendants, as Linux shows them in /proc. Elsewhere: just the process.</summary>
internal static class ProcessTree
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>The process and every descendant alive now.</summary>
    public static List<int> Of(int root)
    {
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            foreach (var children in Glob($"/proc/{tree[i]}/task", "children"))
            {
                foreach (var child in Read(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    if (int.TryParse(child, out var pid) && !tree.Contains(pid)) tree.Add(pid);
            }
        }
        return tree;
    }

    /// <summary>Sum over the processes of their peak resident memory so far (VmHWM), in bytes; 0 where unreadable.</summary>
    public static long PeakResidentBytes(IEnumerable<int> pids) => Memory(pids).PeakBytes;

    /// <summary>
    /// Sums over the processes of their resident memory now (VmRSS) and their peak so far (VmHWM), in bytes; a process
    /// that is gone or unreadable counts 0.
    /// </summary>
    public static (long ResidentBytes, long PeakBytes) Memory(IEnumerable<int> pids)
    {
        long resident = 0, peak = 0;
        foreach (var pid in pids)
        {
            foreach (var line in Read($"/proc/{pid}/status").Split('\n'))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) resident += Kilobytes(line) * 1024;
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak += Kilobytes(line) * 1024;
            }
        }
        return (resident, peak);
    }

    /// <summary>The process group of <paramref name="pid"/> (field 5 of /proc/PID/stat); null when it is gone.</summary>
    public static int? GroupOf(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries); // the name may hold spaces
        return fields.Length > 2 && int.TryParse(fields[2], out var group) ? group : null;
    }

    /// <summary>
    /// When the process started (field 22 of /proc/PID/stat, in clock ticks since boot); null when it is gone. With the
    /// pid, it names one process: a pid alone may be another process's by now.
    /// </summary>
    public static long? StartTime(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries); // from field 3 on
        return fields.Length > 19 && long.TryParse(fields[19], out var ticks) ? ticks : null;
    }

    /// <summary>Sends <paramref name="signal"/> to each process; ones already gone are skipped.</summary>
    public static void Signal(IEnumerable<int> pids, int signal)
    {
        foreach (var pid in pids) _ = kill(pid, signal);
    }

    /// <summary>Sends <paramref name="signal"/> to every process of the group <paramref name="group"/>; nothing when it is empty.</summary>
    public static void SignalGroup(int group, int signal) => _ = kill(-group, signal);

    private static long Kilobytes(string line)
        => long.TryParse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), out var kb) ? kb : 0;

    public static bool IsAlive(int pid) => File.Exists($"/proc/{pid}/stat") && !Read($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static IEnumerable<string> Glob(string tasks, string file)
    {
        try
        {
            return Directory.Exists(tasks) ? Directory.EnumerateDirectories(tasks).Select(t => Path.Combine(t, file)).ToList() : [];
        }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    // A process may exit between listing and reading: treat it as gone.
    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
