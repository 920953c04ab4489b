namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// One real gateway for a test collection: real Kestrel on free loopback ports, the real demo providers and a test
/// upstream behind it, the embedded SQLite store in a temporary folder seeded from <see cref="TestRegistry"/>.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private GatewayWorkspace? _workspace;

    public HttpClient Data { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public int DataPort { get; } = FreePort.Next();

    public int AdminPort { get; } = FreePort.Next();

    public string Issuer => $"http://localhost:{DataPort}";

    public string DataDirectory => _workspace!.DataDirectory;

    /// <summary>The gateway's services, for tests that read what it stored.</summary>
    public IServiceProvider Services { get; private set; } = null!;

    /// <summary>Every log event the gateway wrote, as compact JSON lines.</summary>
    public string LogFile => Path.Combine(_workspace!.Directory, "gateway.log");

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        var seed = await _workspace.WriteSeedAsync(_workspace.Registry);

        var gateway = await _workspace.CreateGatewayAsync(
            seed,
            DataPort,
            AdminPort,
            "--Forwarding:HealthCheckInterval=00:00:00.500",
            "--Metering:FlushInterval=00:00:00.200",
            // Everything, framework chatter included, goes to a file that tests can search for leaks.
            "--Serilog:MinimumLevel:Default=Information",
            "--Serilog:MinimumLevel:Override:Microsoft=Information",
            "--Serilog:MinimumLevel:Override:Yarp=Debug",
            "--Serilog:MinimumLevel:Override:System.Net.Http=Information",
            "--Serilog:WriteTo:0:Name=File",
            $"--Serilog:WriteTo:0:Args:path={LogFile}",
            "--Serilog:WriteTo:0:Args:formatter=Serilog.Formatting.Compact.RenderedCompactJsonFormatter, Serilog.Formatting.Compact");
        await gateway.StartAsync();
        Services = gateway.Services;
        Data = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{DataPort}") };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{AdminPort}") };
    }

    public async Task<string> ReadLogAsync()
    {
        await using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>A token from the gateway's own token endpoint.</summary>
    public Task<string> TokenAsync(string clientId, string secret = TestRegistry.Secret) => Data.TokenAsync(clientId, secret);

    /// <summary>Sends a data call with a bearer token and an optional purpose.</summary>
    public Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, string? token, string? purpose = null, Action<HttpRequestMessage>? configure = null) =>
        Data.CallAsync(method, path, token, purpose, configure);

    public async Task DisposeAsync()
    {
        Data?.Dispose();
        Admin?.Dispose();
        if (_workspace is not null)
        {
            await _workspace.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
