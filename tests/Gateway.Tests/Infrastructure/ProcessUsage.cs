using System.Globalization;
using System.Runtime.InteropServices;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// What another process (a <see cref="GatewayProcess"/>) has used so far, read from outside it on Linux: its CPU time
/// to the nanosecond and its resident memory.
/// </summary>
internal static class ProcessUsage
{
    /// <summary>
    /// User and system CPU time of all the process's threads, those that ended included: the process CPU clock
    /// (<c>clock_getcpuclockid</c>), where <c>/proc/PID/stat</c> counts 10 ms ticks and summing
    /// <c>/proc/PID/task/*/schedstat</c> would lose threads that exit in between.
    /// </summary>
    public static TimeSpan CpuTime(int pid)
    {
        var error = NativeMethods.clock_getcpuclockid(pid, out var clock);
        if (error != 0 || NativeMethods.clock_gettime(clock, out var time) != 0)
        {
            throw new InvalidOperationException($"cannot read the CPU clock of process {pid} (error {error})");
        }

        return TimeSpan.FromTicks((time.Seconds * 1_000_000_000 + time.Nanoseconds) / 100);
    }

    /// <summary>Resident memory (<c>VmRSS</c> of <c>/proc/PID/status</c>), in bytes.</summary>
    public static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Timespec
    {
        public readonly long Seconds;
        public readonly long Nanoseconds;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = false)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int clock_getcpuclockid(int pid, out int clockId);

        [DllImport("libc", SetLastError = false)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int clock_gettime(int clockId, out Timespec time);
    }
}
