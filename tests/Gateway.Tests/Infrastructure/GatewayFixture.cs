using System.Net.Http.Headers;
using System.Text.Json;
using Ndxp.Gateway.DemoProviders;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// One real gateway for a test collection: real Kestrel on free loopback ports, the real demo providers and a test
/// upstream behind it, the embedded SQLite store in a temporary folder seeded from <see cref="TestRegistry"/>.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ndxp-gateway-test-").FullName;
    private WebApplication? _demoProviders;
    private TestUpstream? _upstream;
    private WebApplication? _gateway;

    public HttpClient Data { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public int DataPort { get; } = FreePort.Next();

    public int AdminPort { get; } = FreePort.Next();

    public string Issuer => $"http://localhost:{DataPort}";

    public string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>Every log event the gateway wrote, as compact JSON lines.</summary>
    public string LogFile => Path.Combine(_directory, "gateway.log");

    public async Task<string> ReadLogAsync()
    {
        await using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    internal TestUpstream Upstream => _upstream!;

    public async Task InitializeAsync()
    {
        var demoUrl = $"http://127.0.0.1:{FreePort.Next()}";
        _demoProviders = DemoProviderApp.Build([], demoUrl);
        await _demoProviders.StartAsync();
        _upstream = await TestUpstream.StartAsync();

        var seed = Path.Combine(_directory, "registry.json");
        var document = TestRegistry.Build(demoUrl, _upstream.Url, $"http://127.0.0.1:{FreePort.Next()}");
        await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(document, RegistryJson.Options));

        _gateway = await GatewayApplication.CreateAsync(
        [
            .. GatewayArgs(DataPort, AdminPort, DataDirectory, seed),
            "--Forwarding:HealthCheckInterval=00:00:00.500",
            // Everything, framework chatter included, goes to a file that tests can search for leaks.
            "--Serilog:MinimumLevel:Default=Information",
            "--Serilog:MinimumLevel:Override:Microsoft=Information",
            "--Serilog:MinimumLevel:Override:Yarp=Debug",
            "--Serilog:MinimumLevel:Override:System.Net.Http=Information",
            "--Serilog:WriteTo:0:Name=File",
            $"--Serilog:WriteTo:0:Args:path={LogFile}",
            "--Serilog:WriteTo:0:Args:formatter=Serilog.Formatting.Compact.RenderedCompactJsonFormatter, Serilog.Formatting.Compact",
        ]);
        await _gateway.StartAsync();
        Data = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{DataPort}") };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{AdminPort}") };
    }

    public static string[] GatewayArgs(int dataPort, int adminPort, string dataDirectory, string seedFile) =>
    [
        $"--Gateway:DataPort={dataPort}",
        $"--Gateway:AdminPort={adminPort}",
        $"--Gateway:ListenAddress=127.0.0.1",
        $"--Gateway:DataDirectory={dataDirectory}",
        $"--Registry:SeedFile={seedFile}",
        "--Serilog:MinimumLevel:Default=Warning",
    ];

    /// <summary>A token from the gateway's own token endpoint.</summary>
    public async Task<string> TokenAsync(string clientId, string secret = TestRegistry.Secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await Data.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>Sends a data call with a bearer token and an optional purpose.</summary>
    public Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, string? token, string? purpose = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (purpose is not null)
        {
            request.Headers.Add("X-Purpose", purpose);
        }

        configure?.Invoke(request);
        return Data.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        Data?.Dispose();
        Admin?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }

        if (_demoProviders is not null)
        {
            await _demoProviders.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
