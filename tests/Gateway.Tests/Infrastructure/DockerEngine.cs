using System.Diagnostics;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A throwaway Docker engine (Debian's <c>docker.io</c>) for the test run: its own socket, data and state folders in a
/// temporary folder, no bridge network and no iptables rules (containers use the host's network and loopback ports, the
/// only network this machine allows), stopped and deleted afterwards. It needs root, as every Docker engine does.
/// With <c>NDXP_TEST_DOCKER_HOST</c> set (say <c>unix:///run/docker.sock</c>), that running engine is used instead and
/// left running, so that its image layers and build cache survive between runs (perf/cluster.sh, a developer's loop).
/// </summary>
public sealed class DockerEngine : IAsyncLifetime
{
    private static readonly string? RunningEngine = System.Environment.GetEnvironmentVariable("NDXP_TEST_DOCKER_HOST");
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-docker-").FullName;
    private Process? _daemon;

    /// <summary>What <c>docker</c> and <c>k8s/build-image.sh</c> need to talk to this engine.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["DOCKER_HOST"] = Host };

    private string Host => RunningEngine ?? $"unix://{_directory}/docker.sock";

    public async Task InitializeAsync()
    {
        if (RunningEngine is not null)
        {
            return;
        }

        if (System.Environment.UserName != "root")
        {
            throw new InvalidOperationException("the container tests start a Docker engine of their own, which needs root (CI runs as root).");
        }

        var start = new ProcessStartInfo(Find("dockerd")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "--host", Host, "--data-root", Path.Combine(_directory, "data"), "--exec-root", Path.Combine(_directory, "exec"),
            "--pidfile", Path.Combine(_directory, "docker.pid"), "--bridge=none", "--iptables=false", "--ip6tables=false",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _daemon = Process.Start(start)!;
        _daemon.BeginOutputReadLine();
        _daemon.BeginErrorReadLine();
        await Poll.UntilAsync(async () => (await DockerAsync("info")).ExitCode == 0, "the Docker engine answers", TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs <c>docker</c> against this engine.</summary>
    public Task<(int ExitCode, string Output)> DockerAsync(params string[] arguments) => Tool.RunAsync(Find("docker"), Environment, arguments);

    /// <summary>As <see cref="DockerAsync"/>, failing the test with the output unless it exits 0; returns the output, trimmed.</summary>
    public async Task<string> DockerCheckedAsync(params string[] arguments)
    {
        var (exit, output) = await DockerAsync(arguments);
        Assert.True(exit == 0, $"docker {string.Join(' ', arguments)} exited {exit}: {output}");
        return output.Trim();
    }

    public async Task DisposeAsync()
    {
        if (_daemon is { HasExited: false })
        {
            var containers = (await DockerAsync("ps", "-aq")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (containers.Length > 0)
            {
                await DockerAsync(["rm", "-f", "-v", .. containers]);
            }

            // SIGTERM: the engine unmounts its layers before it exits, so the folder can be deleted.
            using var kill = Process.Start("kill", ["-TERM", _daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _daemon.WaitForExitAsync(stopped.Token);
        }

        _daemon?.Dispose();
        // The engine leaves its network namespace mounted (netns/default); anything mounted in the folder goes first.
        var mounts = (await File.ReadAllLinesAsync("/proc/self/mounts")).Select(line => line.Split(' ')[1])
            .Where(point => point.StartsWith(_directory + "/", StringComparison.Ordinal)).OrderByDescending(point => point.Length, Comparer<int>.Default);
        foreach (var point in mounts)
        {
            await Tool.RunAsync("umount", "--lazy", point);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static readonly string[] ToolFolders = ["/usr/bin", "/usr/sbin", "/usr/local/bin"];

    private static string Find(string tool) =>
        ToolFolders.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} not found: run ./test.sh, which installs the Debian package docker.io.");
}
