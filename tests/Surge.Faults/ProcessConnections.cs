using System.Globalization;

namespace Surge.Faults;

/// <summary>
/// The TCP connections a process holds open, as (local port, remote port) (Linux: its <c>/proc/PID/fd</c> links to
/// <c>socket:[inode]</c>, matched against <c>/proc/PID/net/tcp</c> and <c>tcp6</c>). On loopback a proxy sees a
/// client's connection as (client port, proxy port), so it can tell one process's connections from others'.
/// </summary>
public static class ProcessConnections
{
    /// <summary>The connections; empty when the process is gone (or this is not Linux).</summary>
    public static HashSet<(int Local, int Remote)> Of(int pid)
    {
        var inodes = new HashSet<string>();
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                    inodes.Add(target["socket:[".Length..^1]);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // exited meanwhile
        }
        var connections = new HashSet<(int, int)>();
        foreach (var table in (string[])[$"/proc/{pid}/net/tcp", $"/proc/{pid}/net/tcp6"])
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(table);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            // "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
            foreach (var line in lines.Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || !inodes.Contains(fields[9])) continue;
                connections.Add((Port(fields[1]), Port(fields[2])));
            }
        }
        return connections;
    }

    // "0100007F:2B67" or the IPv6 form: the port is the hex after the last colon.
    private static int Port(string address) => int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
