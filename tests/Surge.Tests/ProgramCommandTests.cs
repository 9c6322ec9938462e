using Surge.Programs;

namespace Surge.Tests;

/// <summary>The command line that starts a program: what runs in front of it, in which order.</summary>
public sealed class ProgramCommandTests
{
    private static readonly ProgramHost Host = new("/usr/bin/setsid", "/usr/bin/setpriv", CanSwitchUsers: true, UserId: 0, "/no-token")
    {
        Flock = "/usr/bin/flock", Shell = "/bin/sh",
    };

    // setpriv changes credentials before the watchdog starts: it runs as the program's user, so it may kill the
    // program's group without any capability of the silo's (which an exec as another user would drop anyway). The lock
    // file is opened before, as the silo's user: the program's user may have no access to it.
    [Fact]
    public void Of_RunAsUser_WatchdogStartsAfterSetprivAndExecsTheProgram()
    {
        var command = ProgramCommand.Of(Host, new ProgramOptions { Executable = "/usr/bin/convert", Arguments = ["-q"], RunAsUser = 1655 }, "/tmp/surge-silo-7.lock");

        Assert.Equal(["/usr/bin/setsid", "/bin/sh", "-c", ProgramCommand.Opener, "surge-lifeline", "/tmp/surge-silo-7.lock",
            "/usr/bin/setpriv", "--reuid=1655", "--regid=1655", "--clear-groups", "--",
            "/bin/sh", "-c", ProgramCommand.Watchdog, "surge-watchdog", "/usr/bin/flock", "", "/usr/bin/convert", "-q"], command);
        Assert.Contains("exec \"$@\"", ProgramCommand.Watchdog, StringComparison.Ordinal); // the program keeps the pid started, its arguments as given
    }

    [Fact]
    public void Of_NoLifeline_ProgramRightAfterSetsid()
        => Assert.Equal(["/usr/bin/setsid", "/usr/bin/convert", "-q"], ProgramCommand.Of(Host, new ProgramOptions { Executable = "/usr/bin/convert", Arguments = ["-q"] }, null));

    [Fact]
    public void Unwatched_WatchdogsLineAmongTheProgramsOwn_ItsCause()
        => Assert.Equal("flock: 9: No locks available", ProgramCommand.Unwatched($"starting\n{ProgramCommand.UnwatchedMark}flock: 9: No locks available\n"));

    [Fact]
    public void Unwatched_NoWatchdogLine_Null() => Assert.Null(ProgramCommand.Unwatched("convert: no such file\n"));
}
