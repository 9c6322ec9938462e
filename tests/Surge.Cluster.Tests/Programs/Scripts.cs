namespace Surge.Cluster.Tests.Programs;

/// <summary>Shell scripts written to a temporary folder for program-task tests (run as /bin/sh SCRIPT).</summary>
public sealed class Scripts : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("surge-programs-").FullName;

    public string Write(string name, string body)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        return path;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    /// <summary>Prints its arguments and a line on stderr, holds about 40 MB for a moment, exits with $EXIT (0).</summary>
    public const string Echo = """
        echo "args: $*"
        echo "to stderr" >&2
        big=$(head -c 40000000 /dev/zero | tr '\0' a)
        sleep 0.3
        exit ${EXIT:-0}
        """;

    /// <summary>Ignores SIGTERM, as does the child it starts (ignored signals are inherited), and waits forever.</summary>
    public const string Stubborn = """
        trap '' TERM
        sleep 600 &
        echo $! > "$1/child.pid"
        wait
        """;
}
