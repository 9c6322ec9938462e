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

    /// <summary>Starts a sleeper in the background, writes its pid to <c>$1/sleeper.pid</c>, and exits 0 at once.</summary>
    public const string Forker = """
        sleep 600 &
        echo $! > "$1/sleeper.pid"
        exit 0
        """;

    /// <summary>Holds about 64 MB in a shell variable, then sleeps: a program that grows past a small memory limit.</summary>
    public const string Hog = """
        big=$(head -c 64000000 /dev/zero | tr '\0' a)
        sleep 30
        """;

    /// <summary>Prints its pid and its process group (field 5 of /proc/PID/stat).</summary>
    public const string Group = """
        echo "$$ $(cut -d' ' -f5 /proc/$$/stat)"
        """;

    /// <summary>Ignores SIGTERM, as does the child it starts (ignored signals are inherited), and waits forever.</summary>
    public const string Stubborn = """
        trap '' TERM
        sleep 600 &
        echo $! > "$1/child.pid"
        wait
        """;
}
