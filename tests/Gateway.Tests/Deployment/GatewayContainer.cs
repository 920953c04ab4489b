using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Deployment;

/// <summary>
/// One gateway replica as a container of the image, on loopback ports of its own, stopped the way Kubernetes stops a
/// pod (SIGTERM, then the grace period) and started again.
/// </summary>
internal sealed class GatewayContainer : IDisposable
{
    /// <summary>The production overlay's grace period (k8s/overlays/production): what <c>docker stop</c> waits before SIGKILL.</summary>
    private const int GracePeriodSeconds = 40;

    private readonly ContainerImages _images;

    private GatewayContainer(ContainerImages images, string name)
    {
        _images = images;
        Name = name;
        Data = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{DataPort}") };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{AdminPort}") };
    }

    public string Name { get; }

    public int DataPort { get; } = FreePort.Next();

    public int AdminPort { get; } = FreePort.Next();

    public HttpClient Data { get; }

    public HttpClient Admin { get; }

    /// <summary>
    /// Starts the image with these settings (<c>--Section:Key=value</c>) and environment variables (secrets, as a pod
    /// gets them), the registry seed mounted read-only from <paramref name="seedFolder"/> (its <c>registry.json</c>).
    /// </summary>
    public static async Task<GatewayContainer> StartAsync(
        ContainerImages images, string name, string seedFolder, IEnumerable<string> settings, IReadOnlyDictionary<string, string>? environment = null, IEnumerable<string>? mounts = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        var container = new GatewayContainer(images, name);
        List<string> options = ["--volume", $"{seedFolder}:/etc/ndxp/registry:ro"];
        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            options.AddRange(["--env", $"{variable}={value}"]);
        }

        foreach (var mount in mounts ?? [])
        {
            options.AddRange(["--volume", mount]);
        }

        await images.RunAsync(name, ContainerImages.Gateway, options,
        [
            "--Gateway:ListenAddress=127.0.0.1", $"--Gateway:DataPort={container.DataPort}", $"--Gateway:AdminPort={container.AdminPort}",
            "--Registry:SeedFile=/etc/ndxp/registry/registry.json", .. settings,
        ]);
        await container.WaitUntilReadyAsync();
        return container;
    }

    /// <summary>Writes <paramref name="registry"/> as <c>registry.json</c> in a folder the containers can read; returns the folder.</summary>
    [UnsupportedOSPlatform("windows")]
    public static async Task<string> WriteSeedAsync(RegistryDocument registry)
    {
        var folder = ContainerImages.ReadableFolder();
        var file = Path.Combine(folder, "registry.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(registry, RegistryJson.Options));
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return folder;
    }

    public Task WaitUntilReadyAsync() => Poll.UntilAsync(() => Admin.AnswersAsync("/readyz"), $"{Name} ready", TimeSpan.FromSeconds(60));

    /// <summary>SIGTERM and the production grace period, as Kubernetes stops a pod; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _images.Engine.DockerCheckedAsync("stop", "--time", GracePeriodSeconds.ToString(CultureInfo.InvariantCulture), Name);
        return int.Parse(await _images.Engine.DockerCheckedAsync("inspect", "--format", "{{.State.ExitCode}}", Name), CultureInfo.InvariantCulture);
    }

    /// <summary>The same container again (its data volume kept), ready.</summary>
    public async Task StartAgainAsync()
    {
        await _images.Engine.DockerCheckedAsync("start", Name);
        await WaitUntilReadyAsync();
    }

    public Task<string> LogsAsync() => _images.Engine.DockerCheckedAsync("logs", Name);

    public void Dispose()
    {
        Data.Dispose();
        Admin.Dispose();
    }
}
