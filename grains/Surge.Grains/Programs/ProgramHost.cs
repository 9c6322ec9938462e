using System.Globalization;
using System.Runtime.InteropServices;

namespace Surge.Programs;

/// <summary>
/// What this machine offers for containing programs, found once at start-up: <c>setsid</c> (a process group per
/// program), <c>setpriv</c> and the right to switch users (<see cref="ProgramOptions.RunAsUser"/>), and where the
/// Kubernetes service-account token would be. Tests make their own.
/// </summary>
internal sealed record ProgramHost(string? Setsid, string? Setpriv, bool CanSwitchUsers, int UserId, string ServiceAccountToken)
{
    /// <summary>Where the kubelet mounts a pod's service-account token, and where Kubernetes clients read it.</summary>
    public const string KubernetesToken = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    // util-linux on Debian, Ubuntu and RHEL; BusyBox's applets on Alpine.
    private static readonly string[] Bin = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    // Capability bits (linux/capability.h): signalling and switching to another user id need all three.
    private const int CapKill = 5, CapSetGid = 6, CapSetUid = 7;

    public static ProgramHost Detect() => new(
        OperatingSystem.IsLinux() ? Find("setsid") : null, OperatingSystem.IsLinux() ? Find("setpriv") : null,
        OperatingSystem.IsLinux() && HasCapabilities(CapKill, CapSetGid, CapSetUid), OperatingSystem.IsLinux() ? (int)geteuid() : -1, KubernetesToken);

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
