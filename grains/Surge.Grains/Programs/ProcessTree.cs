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
    public static long PeakResidentBytes(IEnumerable<int> pids)
    {
        long total = 0;
        foreach (var pid in pids)
        {
            foreach (var line in Read($"/proc/{pid}/status").Split('\n'))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                if (long.TryParse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), out var kb)) total += kb * 1024;
            }
        }
        return total;
    }

    /// <summary>Sends <paramref name="signal"/> to each process; ones already gone are skipped.</summary>
    public static void Signal(IEnumerable<int> pids, int signal)
    {
        foreach (var pid in pids) _ = kill(pid, signal);
    }

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
