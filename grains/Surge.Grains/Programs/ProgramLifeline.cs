using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Surge.Programs;

/// <summary>
/// A lock file this silo holds exclusively (flock) for as long as its process lives. Each program's watchdog waits to
/// take it shared: the kernel releases the silo's lock when the process ends however it ends (kill -9 and crashes
/// included), so the watchdog gets it then and kills the program's process group. Nothing has to run in the silo for
/// this; a program cannot outlive its silo by more than the watchdog's wake-up. The file is created on the first
/// program's start, for the silo's user alone: each watchdog gets it already open (<see cref="ProgramCommand.Opener"/>),
/// so a program run as another user needs no access to it, and gets none (it cannot take the lock itself). The silo's
/// descriptor is close-on-exec: a program that held it would keep its own silo's lock alive.
/// </summary>
internal sealed class ProgramLifeline(string directory) : IDisposable
{
    private readonly Lock _lock = new();
    private FileStream? _file;
    private string? _path;
    private bool _disposed;

    /// <summary>This process's lifeline, in the temporary folder; released when the process exits.</summary>
    public static ProgramLifeline Process => Shared.Value;

    private static readonly Lazy<ProgramLifeline> Shared = new(() =>
    {
        var lifeline = new ProgramLifeline(System.IO.Path.GetTempPath());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => lifeline.Dispose();
        return lifeline;
    });

    /// <summary>The lock file, created and locked on first use; it stays locked until <see cref="Dispose"/>.</summary>
    public string Path
    {
        get
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_path is not null) return _path;
                RemoveLeftOvers();
                var name = $"surge-silo-{Environment.ProcessId}-{Guid.NewGuid():N}";
                var creating = System.IO.Path.Combine(directory, $".{name}.new");
                var path = System.IO.Path.Combine(directory, $"{name}.lock");
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // 0600
                var file = new FileStream(creating, options);
                // Explicitly, not through FileShare: .NET's own locking can be switched off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING).
                if (flock(file.SafeFileHandle, LockExclusive | LockNonBlocking) != 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    file.Dispose();
                    throw new IOException($"cannot lock {creating} (errno {errno}): programs need it to be stopped with their silo");
                }
                // Locked before it has its name: a *.lock file nobody holds is a dead silo's (see RemoveLeftOvers).
                File.Move(creating, path);
                (_file, _path) = (file, path);
                return path;
            }
        }
    }

    /// <summary>Releases the lock, as the process's end would: every watchdog waiting on it kills its program's group.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _file?.Dispose();
            try
            {
                if (_path is not null) File.Delete(_path); // its watchdogs hold it open already
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A left-over empty file in the temporary folder: nothing waits on it.
            }
        }
    }

    // A silo killed with kill -9 leaves its empty lock file behind. One that no silo holds (nor a watchdog still
    // waiting on it) is taken here and deleted; a late watchdog of that silo then takes a new one at once and kills its
    // group, as it should.
    private void RemoveLeftOvers()
    {
        try
        {
            foreach (var left in Directory.EnumerateFiles(directory, "surge-silo-*.lock"))
            {
                try
                {
                    using var file = new FileStream(left, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                    if (flock(file.SafeFileHandle, LockExclusive | LockNonBlocking) == 0) File.Delete(left);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone already, or another user's: not ours to remove.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private const int LockExclusive = 2, LockNonBlocking = 4;

    [DllImport("libc", SetLastError = true)]
    private static extern int flock(SafeFileHandle fd, int operation);
}
