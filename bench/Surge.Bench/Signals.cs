using System.Runtime.InteropServices;

namespace Surge.Testing;

/// <summary>POSIX signals to a child process: .NET's Process.Kill only sends SIGKILL. Also compiled into the cluster tests.</summary>
public static class Signals
{
    private const int SigTerm = 15, SigCont = 18, SigStop = 19; // Linux numbers

    public static void Terminate(int pid) => Send(pid, SigTerm, "SIGTERM");

    /// <summary>SIGSTOP: the process sleeps, its sockets left open (the kernel still takes bytes), until <see cref="Continue"/>.</summary>
    public static void Stop(int pid) => Send(pid, SigStop, "SIGSTOP");

    public static void Continue(int pid) => Send(pid, SigCont, "SIGCONT");

    private static void Send(int pid, int signal, string name)
    {
        if (kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {name}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
