using System.Text.Json;
using Microsoft.Data.Sqlite;
using Ndxp.Gateway.DemoProviders;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A temporary folder with the demo providers and a <see cref="TestUpstream"/> running: the one way a test starts
/// gateways, in this process (<see cref="StartGatewayAsync(string[])"/>) or as processes of their own
/// (<see cref="StartProcessAsync(string[])"/>), all with the same base settings, on free loopback ports, sharing the
/// workspace's data directory unless told otherwise. Everything is stopped and deleted on dispose.
/// </summary>
internal sealed class GatewayWorkspace : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private string? _defaultSeed;

    private GatewayWorkspace(WebApplication providers, string providersUrl, TestUpstream upstream)
    {
        _owned.Add(providers);
        _owned.Add(upstream);
        ProvidersUrl = providersUrl;
        Upstream = upstream;
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("ndxp-gateway-test-").FullName;

    public string DataDirectory => Path.Combine(Directory, "data");

    public string ProvidersUrl { get; }

    /// <summary>The test services' provider, which records what reached it.</summary>
    public TestUpstream Upstream { get; }

    public string UpstreamUrl => Upstream.Url;

    /// <summary>The test registry: demo services at the demo providers, test services at the test upstream.</summary>
    public RegistryDocument Registry => TestRegistry.Build(ProvidersUrl, UpstreamUrl, DeadUrl);

    /// <summary>An address nobody listens on.</summary>
    public string DeadUrl { get; } = $"http://127.0.0.1:{FreePort.Next()}";

    public static async Task<GatewayWorkspace> CreateAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var providers = DemoProviderApp.Build([], url);
        await providers.StartAsync();
        return new GatewayWorkspace(providers, url, await TestUpstream.StartAsync("upstream"));
    }

    public async Task<string> WriteSeedAsync(RegistryDocument document)
    {
        var path = Path.Combine(Directory, $"seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, RegistryJson.Options));
        return path;
    }

    /// <summary>A test upstream of the test's own (a second destination, say), stopped with the workspace.</summary>
    public async Task<TestUpstream> StartUpstreamAsync(string name)
    {
        var upstream = await TestUpstream.StartAsync(name);
        _owned.Add(upstream);
        return upstream;
    }

    /// <summary>Starts a gateway seeded with <see cref="Registry"/>; throws what building or starting it throws.</summary>
    public async Task<TestGateway> StartGatewayAsync(params string[] settings) =>
        await StartSeededGatewayAsync(_defaultSeed ??= await WriteSeedAsync(Registry), settings);

    /// <summary>
    /// Starts a gateway seeded with <see cref="Registry"/> on a clock of the test's (a <c>FakeTimeProvider</c>). Its
    /// token endpoint then issues tokens of that clock, which token validation (on the real clock) refuses: such tests
    /// call with tokens made by <see cref="TokenForge"/>.
    /// </summary>
    public async Task<TestGateway> StartGatewayAsync(TimeProvider clock, params string[] settings) =>
        await StartAsync(_defaultSeed ??= await WriteSeedAsync(Registry), clock, settings);

    /// <summary>Starts a gateway seeded with <paramref name="registry"/> on a clock of the test's.</summary>
    public async Task<TestGateway> StartGatewayAsync(RegistryDocument registry, TimeProvider clock, params string[] settings) =>
        await StartAsync(await WriteSeedAsync(registry), clock, settings);

    /// <summary>Starts a gateway seeded with <paramref name="registry"/>.</summary>
    public async Task<TestGateway> StartGatewayAsync(RegistryDocument registry, params string[] settings) =>
        await StartSeededGatewayAsync(await WriteSeedAsync(registry), settings);

    /// <summary>Starts a gateway seeded from a file as written (for seeds that are not a valid registry document).</summary>
    public Task<TestGateway> StartSeededGatewayAsync(string seedFile, params string[] settings) => StartAsync(seedFile, clock: null, settings);

    /// <summary>
    /// Starts a gateway seeded with <see cref="Registry"/> with endpoints of the test's mapped next to its own (to hold a
    /// request open, say): <paramref name="map"/> runs after the gateway's own are mapped, before it starts.
    /// </summary>
    public async Task<TestGateway> StartGatewayAsync(Action<WebApplication> map, params string[] settings) =>
        await StartAsync(_defaultSeed ??= await WriteSeedAsync(Registry), clock: null, settings, map);

    /// <summary>Starts a gateway process (<c>dotnet Ndxp.Gateway.dll</c>) seeded with <see cref="Registry"/>; returns once it is ready.</summary>
    public async Task<GatewayProcess> StartProcessAsync(params string[] settings) =>
        await StartProcessAsync(_defaultSeed ??= await WriteSeedAsync(Registry), settings);

    /// <summary>Starts a gateway process seeded with <paramref name="registry"/>; returns once it is ready.</summary>
    public async Task<GatewayProcess> StartProcessAsync(RegistryDocument registry, params string[] settings) =>
        await StartProcessAsync(await WriteSeedAsync(registry), settings);

    /// <summary>Starts a gateway process seeded with <paramref name="registry"/> and runtime environment variables set.</summary>
    public async Task<GatewayProcess> StartProcessAsync(RegistryDocument registry, IReadOnlyDictionary<string, string> environment, params string[] settings) =>
        await StartProcessAsync(await WriteSeedAsync(registry), settings, environment);

    // Everything is stopped even if one thing fails to stop: a gateway process left running would outlive the test run.
    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        foreach (var owned in _owned)
        {
            try
            {
                await owned.DisposeAsync();
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }

        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
        if (failures.Count > 0)
        {
            throw new AggregateException("stopping the workspace failed", failures);
        }
    }

    private async Task<GatewayProcess> StartProcessAsync(string seedFile, string[] settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (dataPort, adminPort) = (FreePort.Next(), FreePort.Next());
        // Metering reports what it flushed and spooled: what a failed process test needs to be understood.
        var process = GatewayProcess.Start(dataPort, adminPort, Arguments(
            seedFile, dataPort, adminPort, ["--Serilog:MinimumLevel:Override:Ndxp.Gateway.Metering=Information", .. settings]), environment);
        _owned.Insert(0, process);
        await process.WaitUntilReadyAsync();
        return process;
    }

    private async Task<TestGateway> StartAsync(string seedFile, TimeProvider? clock, string[] settings, Action<WebApplication>? map = null)
    {
        var (dataPort, adminPort) = (FreePort.Next(), FreePort.Next());
        var app = await GatewayApplication.CreateAsync(Arguments(seedFile, dataPort, adminPort, settings), clock);
        map?.Invoke(app);
        var gateway = new TestGateway(app, dataPort, adminPort);
        _owned.Insert(0, gateway);
        await app.StartAsync();
        return gateway;
    }

    // Later settings win: a test may override any of these.
    private string[] Arguments(string seed, int dataPort, int adminPort, string[] settings) =>
    [
        $"--Gateway:DataPort={dataPort}",
        $"--Gateway:AdminPort={adminPort}",
        "--Gateway:ListenAddress=127.0.0.1",
        $"--Gateway:DataDirectory={DataDirectory}",
        $"--Registry:SeedFile={seed}",
        "--Serilog:MinimumLevel:Default=Warning",
        // Tests read a counter right after the call that moves it: every scrape is rendered anew.
        "--Observability:MetricsCacheDuration=00:00:00",
        .. settings,
    ];
}
