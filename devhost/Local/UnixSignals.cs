using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Serverless.DevHost.Local;

/// <summary>Sends POSIX signals to child processes. <see cref="Process.Kill()"/> only sends SIGKILL,
/// and Azurite loses its last seconds of writes unless it is stopped with SIGTERM.</summary>
public static class UnixSignals
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>Asks the process to stop (SIGTERM). Returns false when no such process could be signalled.</summary>
    public static bool Terminate(int pid) => Send(pid, SigTerm);

    /// <summary>Ends the process at once (SIGKILL). Returns false when no such process could be signalled.</summary>
    public static bool Kill(int pid) => Send(pid, SigKill);

    /// <summary>Freezes the process (SIGSTOP): its sockets stay open and unanswered, as a hung region's would.
    /// Linux only (signal numbers differ elsewhere). Returns false when no such process could be signalled.</summary>
    public static bool Pause(int pid) => OperatingSystem.IsLinux() ? Send(pid, SigStop) : throw new PlatformNotSupportedException("SIGSTOP is sent on Linux only.");

    /// <summary>Lets a paused process go on (SIGCONT). Linux only.</summary>
    public static bool Resume(int pid) => OperatingSystem.IsLinux() ? Send(pid, SigCont) : throw new PlatformNotSupportedException("SIGCONT is sent on Linux only.");

    private static bool Send(int pid, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        if (OperatingSystem.IsWindows())
        {
            // Windows has no SIGTERM; a hard kill is the only thing that reliably ends a console child.
            return KillOnWindows(pid);
        }

        return NativeMethods.kill(pid, signal) == 0;
    }

    private static bool KillOnWindows(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static class NativeMethods
    {
        // DllImport rather than LibraryImport: the generated marshalling code needs AllowUnsafeBlocks,
        // and an (int, int) -> int call needs no marshalling at all.
        [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054
        internal static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
    }
}
