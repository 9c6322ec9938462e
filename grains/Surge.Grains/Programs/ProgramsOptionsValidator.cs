using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Surge.Programs;

/// <summary>
/// Collects every problem of <c>Surge:Programs</c> before the silo starts, each with its fix: the program and its
/// options, and what this machine must offer to contain it (<see cref="ProgramHost"/>).
/// </summary>
internal sealed class ProgramsOptionsValidator(ProgramHost host) : IValidateOptions<ProgramsOptions>
{
    public ValidateOptionsResult Validate(string? name, ProgramsOptions options)
    {
        var failures = new List<string>();
        foreach (var (type, p) in options.Types)
        {
            var at = $"{ProgramsOptions.Section}:{type}";
            if (!Path.IsPathFullyQualified(p.Executable)) failures.Add($"{at}:Executable is '{p.Executable}'; give the program's absolute path, e.g. /usr/local/bin/convert.");
            else if (!File.Exists(p.Executable)) failures.Add($"{at}:Executable '{p.Executable}' does not exist on this silo; install it or fix the path.");
            if (p.WorkingDirectory is { } dir && !Directory.Exists(dir)) failures.Add($"{at}:WorkingDirectory '{dir}' does not exist; create it or leave it unset.");
            if (!Enum.IsDefined(p.PayloadAs)) failures.Add($"{at}:PayloadAs is {p.PayloadAs}; set Stdin or Arguments.");
            if (p.MaxArguments is < 0 or > 1_000) failures.Add($"{at}:MaxArguments is {p.MaxArguments}; set 0 to 1000.");
            if (p.MaxOutputBytes is < 0 or > 16 * 1024 * 1024) failures.Add($"{at}:MaxOutputBytes is {p.MaxOutputBytes}; set 0 to 16777216.");
            if (p.MaxMemoryMb is < 1 or > 1_048_576) failures.Add($"{at}:MaxMemoryMb is {p.MaxMemoryMb}; set 1 to 1048576 MiB, or leave it unset for no limit.");
            try
            {
                _ = new Regex(p.ArgumentPattern);
            }
            catch (ArgumentException e)
            {
                failures.Add($"{at}:ArgumentPattern is not a regular expression ({e.Message}).");
            }
            foreach (var variable in p.InheritEnvironment)
            {
                if (string.IsNullOrWhiteSpace(variable) || variable.Contains('='))
                    failures.Add($"{at}:InheritEnvironment has '{variable}'; list variable names such as LANG.");
                else if (variable.StartsWith("SURGE_", StringComparison.OrdinalIgnoreCase))
                    failures.Add($"{at}:InheritEnvironment names {variable}, one of the silo's own settings, which never reach a program; give the program a value of its own under Environment.");
            }
            Containment(at, p, failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void Containment(string at, ProgramOptions p, List<string> failures)
    {
        if (host.GroupsRequired && host.Setsid is null)
        {
            failures.Add($"{at}: each program runs in a process group of its own, started with setsid, which this silo lacks (looked in /usr/bin, /bin, /usr/sbin, /sbin); "
                + "install util-linux (the aspnet:10.0 image has it) or BusyBox.");
        }
        else if (host.WatchdogRequired && (host.Flock is null || host.Shell is null))
        {
            failures.Add($"{at}: each program has a watchdog that kills it if this silo dies (kill -9, a crash), which needs flock and sh; this silo lacks "
                + $"{string.Join(" and ", new[] { host.Flock is null ? "flock" : null, host.Shell is null ? "sh" : null }.OfType<string>())} (looked in /usr/bin, /bin, /usr/sbin, /sbin); install util-linux (the aspnet:10.0 image has it) or BusyBox.");
        }
        if (p.RunAsUser is { } user)
        {
            if (user < 0 || p.RunAsGroup is < 0) failures.Add($"{at}:RunAsUser and RunAsGroup are {user} and {p.RunAsGroup}; give user and group ids of 0 or more.");
            if (host.Setpriv is null) failures.Add($"{at}:RunAsUser needs setpriv, which this silo lacks; install util-linux, or leave RunAsUser unset.");
            if (!host.CanSwitchUsers)
            {
                failures.Add($"{at}:RunAsUser is {user}, but this silo cannot switch users (it needs CAP_SETUID, CAP_SETGID and CAP_KILL: run it as root with those capabilities); "
                    + "or leave RunAsUser unset.");
            }
        }
        else if (p.RunAsGroup is not null)
        {
            failures.Add($"{at}:RunAsGroup is set without RunAsUser; set both, or neither.");
        }
        if (!p.AllowServiceAccountToken && ReadsToken(p) is { } why)
        {
            failures.Add($"{at}: the program could read the service-account token at {host.ServiceAccountToken} ({why}), and with it act as this silo on the Kubernetes API. "
                + "Run it as another user (RunAsUser) with the token readable by its owner only (mode 0400 or 0600), or do not mount the token, or set AllowServiceAccountToken to accept it.");
        }
    }

    // As the silo's own user, the program reads what the silo can; as another, what "others" may (the file's group is
    // not known here: mount it for its owner alone).
    private string? ReadsToken(ProgramOptions p)
    {
        var path = host.ServiceAccountToken;
        if (OperatingSystem.IsWindows() || !File.Exists(path)) return null;
        if (p.RunAsUser is not { } user || user == host.UserId)
        {
            try
            {
                using var _ = File.OpenRead(path);
                return "it runs as the silo's user, who can read it";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path; // the kubelet links it
        var mode = File.GetUnixFileMode(target);
        return (mode & (UnixFileMode.OtherRead | UnixFileMode.GroupRead)) != 0
            ? $"its mode is {Convert.ToString((int)mode, 8)}: readable by group or others"
            : null;
    }
}
