using System.Globalization;
using System.Runtime.InteropServices;

namespace Surge.Programs;

/// <summary>
/// What this machine offers for containing programs, found once at start-up: <c>setsid</c> (a process group per
/// program), <c>setpriv</c> and the right to switch users (<see cref="ProgramOptions.RunAsUser"/>), and where the
/// Kubernetes service-account token would be, and what each program's watchdog needs to stop it with its silo
/// (<see cref="ProgramCommand"/>). Tests make their own.
/// </summary>
internal sealed record ProgramHost(string? Setsid, string? Setpriv, bool CanSwitchUsers, int UserId, string ServiceAccountToken)
{
    /// <summary><c>flock</c>, with which each program's watchdog waits for its silo's end.</summary>
    public string? Flock { get; init; }

    /// <summary>A POSIX shell (<c>sh</c>) to run the watchdog's fixed script.</summary>
    public string? Shell { get; init; }

    /// <summary>
    /// The lock this silo holds while it lives, which programs' watchdogs wait on; null for none: elsewhere than Linux,
    /// and for a silo that is the init (pid 1) of its pid namespace, as the exec form of a container's entrypoint makes
    /// it, whose end makes the kernel kill every process of the namespace.
    /// </summary>
    public ProgramLifeline? Lifeline { get; init; }

    /// <summary>Linux with setsid: each program gets a watchdog, unless this silo is the init of its pid namespace.</summary>
    public bool WatchdogRequired => GroupsRequired && Environment.ProcessId != 1;

    /// <summary>Where the kubelet mounts a pod's service-account token, and where Kubernetes clients read it.</summary>
    public const string KubernetesToken = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    // util-linux on Debian, Ubuntu and RHEL; BusyBox's applets on Alpine.
    private static readonly string[] Bin = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    // Capability bits (linux/capability.h): signalling and switching to another user id need all three.
    private const int CapKill = 5, CapSetGid = 6, CapSetUid = 7;

    public static ProgramHost Detect()
    {
        var linux = OperatingSystem.IsLinux();
        var host = new ProgramHost(linux ? Find("setsid") : null, linux ? Find("setpriv") : null,
            linux && HasCapabilities(CapKill, CapSetGid, CapSetUid), linux ? (int)geteuid() : -1, KubernetesToken)
        {
            Flock = linux ? Find("flock") : null, Shell = linux ? Find("sh") : null,
        };
        return host.WatchdogRequired ? host with { Lifeline = ProgramLifeline.Process } : host;
    }

    /// <summary>The silo's lock file for the next program's watchdog (created on first use); null for no watchdog.</summary>
    public string? LifelineFor() => Setsid is not null && Flock is not null && Shell is not null ? Lifeline?.Path : null;

    /// <summary>Linux without setsid cannot put a program in a group of its own; elsewhere programs run ungrouped.</summary>
    public bool GroupsRequired => OperatingSystem.IsLinux();

    private static string? Find(string name) => Bin.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    // CapEff in /proc/self/status: the capabilities this process may use now, as a hexadecimal mask.
    private static bool HasCapabilities(params int[] bits)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
            if (line is null || !ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask)) return false;
            return bits.All(b => (mask & (1UL << b)) != 0);
        }
        catch (IOException)
        {
            return false;
        }
    }

    [DllImport("libc")]
    private static extern uint geteuid();
}
