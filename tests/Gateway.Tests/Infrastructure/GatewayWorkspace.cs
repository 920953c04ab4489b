using System.Text.Json;
using Microsoft.Data.Sqlite;
using Ndxp.Gateway.DemoProviders;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// A temporary folder with the demo providers and a <see cref="TestUpstream"/> running, in which a test starts
/// gateways of its own configuration
/// (seed, keys, authorities) on free loopback ports. Everything is stopped and deleted on dispose.
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
        UpstreamUrl = upstream.Url;
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("ndxp-gateway-test-").FullName;

    public string DataDirectory => Path.Combine(Directory, "data");

    public string ProvidersUrl { get; }

    public string UpstreamUrl { get; }

    /// <summary>The test registry: demo services at the demo providers, test services at the test upstream.</summary>
    public RegistryDocument Registry => TestRegistry.Build(ProvidersUrl, UpstreamUrl, DeadUrl);

    /// <summary>An address nobody listens on.</summary>
    public string DeadUrl { get; } = $"http://127.0.0.1:{FreePort.Next()}";

    public static async Task<GatewayWorkspace> CreateAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var providers = DemoProviderApp.Build([], url);
        await providers.StartAsync();
        return new GatewayWorkspace(providers, url, await TestUpstream.StartAsync());
    }

    public async Task<string> WriteSeedAsync(RegistryDocument document)
    {
        var path = Path.Combine(Directory, $"seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, RegistryJson.Options));
        return path;
    }

    /// <summary>Builds a gateway (registry loaded, not yet listening); throws what start-up throws.</summary>
    public Task<WebApplication> CreateGatewayAsync(string seed, int dataPort, params string[] settings) =>
        CreateGatewayAsync(seed, dataPort, FreePort.Next(), settings);

    public async Task<WebApplication> CreateGatewayAsync(string seed, int dataPort, int adminPort, params string[] settings)
    {
        var app = await GatewayApplication.CreateAsync(
        [
            $"--Gateway:DataPort={dataPort}",
            $"--Gateway:AdminPort={adminPort}",
            "--Gateway:ListenAddress=127.0.0.1",
            $"--Gateway:DataDirectory={DataDirectory}",
            $"--Registry:SeedFile={seed}",
            "--Serilog:MinimumLevel:Default=Warning",
            .. settings,
        ]);
        _owned.Insert(0, app);
        return app;
    }

    /// <summary>Starts a gateway seeded with <see cref="Registry"/>; returns a data-plane client and its services.</summary>
    public async Task<(HttpClient Client, IServiceProvider Services)> StartDefaultGatewayAsync(params string[] settings)
    {
        _defaultSeed ??= await WriteSeedAsync(Registry);
        var port = FreePort.Next();
        var app = await CreateGatewayAsync(_defaultSeed, port, settings);
        await app.StartAsync();
        return (new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") }, app.Services);
    }

    /// <summary>Starts a gateway and returns a client for its data plane.</summary>
    public async Task<HttpClient> StartGatewayAsync(string seed, params string[] settings)
    {
        var dataPort = FreePort.Next();
        var app = await CreateGatewayAsync(seed, dataPort, settings);
        await app.StartAsync();
        return new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dataPort}") };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
