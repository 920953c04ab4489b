using System.Diagnostics;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>Runs a command-line tool and returns its exit code and output.</summary>
internal static class Tool
{
    public static Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments) =>
        RunAsync(file, new Dictionary<string, string>(), arguments);

    /// <summary>As <see cref="RunAsync(string, string[])"/>, with these environment variables beside the test process's.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
