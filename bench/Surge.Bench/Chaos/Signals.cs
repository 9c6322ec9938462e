using System.Runtime.InteropServices;

namespace Surge.Bench.Chaos;

/// <summary>SIGTERM to a child process: .NET's Process.Kill only sends SIGKILL.</summary>
internal static class Signals
{
    private const int SigTerm = 15;

    public static void Terminate(int pid)
    {
        if (kill(pid, SigTerm) != 0) throw new InvalidOperationException($"kill({pid}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
