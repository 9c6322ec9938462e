using System.Globalization;

namespace Surge.Programs;

/// <summary>
/// The command line that starts a program, each part exec'ing the next, so the program keeps the pid .NET started:
/// <c>setsid</c> (a session and process group of its own), then <c>setpriv</c> for another user, then the watchdog's
/// fixed <c>/bin/sh</c> script, then the program with its arguments, which the script passes on as "$@" and never
/// reads as text. The watchdog runs after setpriv, as the program's user, so it may signal the program's group
/// whatever capabilities the silo had; it is started in the background twice removed, so it is in the group but not
/// the program's child (no stray child for the program to wait on, nor in its memory), and it ignores SIGTERM: a
/// cancelled program's grace is when the silo is most likely to be stopped.
/// </summary>
internal static class ProgramCommand
{
    /// <summary>
    /// Waits for the silo's lock (<see cref="ProgramLifeline"/>) shared, then kills its own process group, itself
    /// included. It also kills the group if flock fails: a program that cannot be watched does not run. The shell
    /// exports a PWD of its own, which the program's environment must not gain: it keeps the one configured, if any.
    /// $1: flock, $2: the lock file, $3: PWD for the program ("" for none), the rest: the program and its arguments.
    /// </summary>
    public const string Watchdog = """
        flock=$1 lock=$2 wd=$3; shift 3
        ( ( trap '' HUP INT TERM; "$flock" -s "$lock" true; kill -KILL 0 ) </dev/null >/dev/null 2>&1 & )
        if [ -n "$wd" ]; then PWD=$wd; else unset PWD; fi
        exec "$@"
        """;

    /// <summary>
    /// The executable and its arguments, payload arguments not included. <paramref name="lifeline"/> is the silo's
    /// lock file, null for no watchdog (a silo that is its pid namespace's init: its end kills the namespace);
    /// <paramref name="pwd"/> the PWD its environment gives the program, if any.
    /// </summary>
    public static List<string> Of(ProgramHost host, ProgramOptions options, string? lifeline, string? pwd = null)
    {
        if (host.Setsid is null) return [options.Executable, .. options.Arguments]; // not Linux: ungrouped
        List<string> command = [host.Setsid];
        if (options.RunAsUser is { } user)
        {
            var group = (options.RunAsGroup ?? user).ToString(CultureInfo.InvariantCulture);
            command.AddRange([host.Setpriv!, $"--reuid={user.ToString(CultureInfo.InvariantCulture)}", $"--regid={group}", "--clear-groups", "--"]);
        }
        if (lifeline is not null) command.AddRange([host.Shell!, "-c", Watchdog, "surge-watchdog", host.Flock!, lifeline, pwd ?? ""]);
        command.Add(options.Executable);
        command.AddRange(options.Arguments);
        return command;
    }
}
