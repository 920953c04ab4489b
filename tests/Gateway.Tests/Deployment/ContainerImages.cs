using System.Runtime.Versioning;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Deployment;

/// <summary>
/// The gateway's and the demo providers' images, built once for the test run by <c>k8s/build-image.sh</c> (as an
/// operator builds them here) in a Docker engine of the run's own.
/// </summary>
public sealed class ContainerImages : IAsyncLifetime
{
    public const string Gateway = "ndxp/gateway:" + Tag;

    public const string DemoProviders = "ndxp/demo-providers:" + Tag;

    private const string Tag = "test";

    public DockerEngine Engine { get; } = new();

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        var (exit, output) = await Tool.RunAsync(Repository.File("k8s", "build-image.sh"), Engine.Environment, Tag);
        Assert.True(exit == 0, "k8s/build-image.sh failed: " + output);
    }

    public Task DisposeAsync() => Engine.DisposeAsync();

    /// <summary>
    /// Starts a container as the production manifests run the pod: root filesystem read-only, every capability dropped,
    /// <c>/tmp</c> in memory; on the host's network (the only one here), so every port is a loopback port of the test's.
    /// </summary>
    public Task<string> RunAsync(string name, string image, IEnumerable<string> options, IEnumerable<string> arguments) =>
        Engine.DockerCheckedAsync(["run", "--detach", "--name", name, "--read-only", "--cap-drop", "ALL", "--network", "host", "--tmpfs", "/tmp", .. options, image, .. arguments]);

    /// <summary>A folder the containers' user (UID 10001) can read, for files mounted into them (registry seed, keys).</summary>
    [UnsupportedOSPlatform("windows")]
    public static string ReadableFolder()
    {
        var folder = Directory.CreateTempSubdirectory("ndxp-mount-").FullName;
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return folder;
    }
}

[CollectionDefinition(Name)]
public sealed class ContainerCollection : ICollectionFixture<ContainerImages>, ICollectionFixture<RedisServer>, ICollectionFixture<PostgresServer>
{
    public const string Name = "containers";
}
