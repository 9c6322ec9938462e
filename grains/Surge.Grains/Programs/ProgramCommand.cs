using System.Globalization;

namespace Surge.Programs;

/// <summary>
/// The command line that starts a program, each part exec'ing the next, so the program keeps the pid .NET started:
/// <c>setsid</c> (a session and process group of its own), then the <see cref="Opener"/>, which opens the silo's lock
/// file as the silo's user, then <c>setpriv</c> for another user, then the watchdog's fixed <c>/bin/sh</c> script, then
/// the program with its arguments, which the scripts pass on as "$@" and never read as text. The watchdog runs after
/// setpriv, as the program's user, so it may signal the program's group whatever capabilities the silo had; it is
/// started in the background twice removed, so it is in the group but not the program's child (no stray child for the
/// program to wait on, nor in its memory), and it ignores SIGTERM: a cancelled program's grace is when the silo is
/// most likely to be stopped.
/// </summary>
internal static class ProgramCommand
{
    /// <summary>
    /// Opens the silo's lock file (<see cref="ProgramLifeline"/>) on descriptor 9, as the silo's user, before setpriv:
    /// the watchdog waits on that descriptor, so it never opens the file itself, which as another user it could not (the
    /// file is the silo's user's alone, and may be in a temporary folder that user cannot enter); and the file is open
    /// before the program starts, so nothing the program does to the folder changes what its watchdog waits on.
    /// $1: the lock file, the rest: what runs next.
    /// </summary>
    public const string Opener = $$"""
        command exec 9<"$1" || { echo "{{UnwatchedMark}}cannot open it" >&2; exit 126; }
        shift
        exec "$@"
        """;

    /// <summary>
    /// Waits for the silo's lock, open on descriptor 9 (<see cref="Opener"/>), shared, then kills its own process group,
    /// itself included. It also kills the group if flock fails: a program that cannot be watched does not run; it says
    /// why on the program's stderr first (a line starting <see cref="UnwatchedMark"/>), which is why it keeps that
    /// open while it waits (the group's kill as the program ends closes it). The program does not get descriptor 9.
    /// The shell exports a PWD of its own, which the program's environment must not gain: it keeps the one configured,
    /// if any. $1: flock, $2: PWD for the program ("" for none), the rest: the program and its arguments.
    /// </summary>
    public const string Watchdog = $$"""
        flock=$1 wd=$2; shift 2
        ( ( trap '' HUP INT TERM; why=$("$flock" -s 9 2>&1) || echo "{{UnwatchedMark}}${why:-flock failed}" >&3; kill -KILL 0 ) </dev/null 3>&2 >/dev/null 2>&1 & )
        exec 9<&-
        if [ -n "$wd" ]; then PWD=$wd; else unset PWD; fi
        exec "$@"
        """;

    /// <summary>How a line on the program's stderr starts when its watchdog could not wait on the silo's lock, and killed it.</summary>
    public const string UnwatchedMark = "surge-watchdog: cannot wait on the silo's lock: ";

    /// <summary>Why the watchdog killed the program, from the program's stderr; null when it did not say it did.</summary>
    public static string? Unwatched(string stderr)
        => stderr.Split('\n').FirstOrDefault(l => l.StartsWith(UnwatchedMark, StringComparison.Ordinal)) is { } line ? line[UnwatchedMark.Length..].Trim() : null;

    /// <summary>
    /// The executable and its arguments, payload arguments not included. <paramref name="lifeline"/> is the silo's
    /// lock file, null for no watchdog (a silo that is its pid namespace's init: its end kills the namespace);
    /// <paramref name="pwd"/> the PWD its environment gives the program, if any.
    /// </summary>
    public static List<string> Of(ProgramHost host, ProgramOptions options, string? lifeline, string? pwd = null)
    {
        if (host.Setsid is null) return [options.Executable, .. options.Arguments]; // not Linux: ungrouped
        List<string> command = [host.Setsid];
        if (lifeline is not null) command.AddRange([host.Shell!, "-c", Opener, "surge-lifeline", lifeline]);
        if (options.RunAsUser is { } user)
        {
            var group = (options.RunAsGroup ?? user).ToString(CultureInfo.InvariantCulture);
            command.AddRange([host.Setpriv!, $"--reuid={user.ToString(CultureInfo.InvariantCulture)}", $"--regid={group}", "--clear-groups", "--"]);
        }
        if (lifeline is not null) command.AddRange([host.Shell!, "-c", Watchdog, "surge-watchdog", host.Flock!, pwd ?? ""]);
        command.Add(options.Executable);
        command.AddRange(options.Arguments);
        return command;
    }
}
