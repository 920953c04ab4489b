using System.Runtime.InteropServices;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>
/// Gives the calling thread the lowest CPU priority (nice 19) on Linux, so that while it derives a slow hash the
/// scheduler serves the threads of data calls first: with both cores busy it gets about 1/70 of a normal thread's
/// share, with a core idle it runs at full speed. Elsewhere a no-op.
/// </summary>
internal static class BackgroundPriority
{
    private const int PrioProcess = 0;
    private const int Lowest = 19;

    public static void LowerCurrentThread()
    {
        if (OperatingSystem.IsLinux())
        {
            // On Linux each thread is a task with its own id, and setpriority on that id changes that thread alone.
            // Failing (a sandbox forbidding it) leaves the thread as it was: still bounded by the gate's permits.
            _ = SetPriority(PrioProcess, GetThreadId(), Lowest);
        }
    }

    // DllImport rather than LibraryImport, whose generated code would need unsafe blocks for the whole project; both
    // functions take and return plain ints, so nothing is marshalled.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetThreadId();
#pragma warning restore SYSLIB1054
}
