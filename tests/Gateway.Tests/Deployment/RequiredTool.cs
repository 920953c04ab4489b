namespace Ndxp.Gateway.Tests.Deployment;

/// <summary>The command-line tools the manifest tests run, found on PATH; a missing one fails the test, never skips it.</summary>
internal static class RequiredTool
{
    public const string Yamllint = "run ./test.sh, which installs the Debian package yamllint";

    public const string Kubectl = "run ./test.sh, which installs kubectl where an apt repository offers it (Kubernetes' or Google Cloud's); otherwise install kubectl 1.30 or later";

    public const string NodeJs = "run ./test.sh, which installs the Debian package npm (and Node.js with it)";

    /// <summary>The tool's full path; fails with <paramref name="remedy"/> when it is not installed.</summary>
    public static string Find(string tool, string remedy) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, tool))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} not found on PATH: {remedy}.");
}
