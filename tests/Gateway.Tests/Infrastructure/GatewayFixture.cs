namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>
/// One real gateway for a test collection: real Kestrel on free loopback ports, the real demo providers and a test
/// upstream behind it, the embedded SQLite store in a temporary folder seeded from <see cref="TestRegistry"/>, every
/// log event in a file that tests search for leaks.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private GatewayWorkspace? _workspace;
    private TestGateway? _gateway;

    public HttpClient Data => _gateway!.Data;

    public HttpClient Admin => _gateway!.Admin;

    public int DataPort => _gateway!.DataPort;

    public int AdminPort => _gateway!.AdminPort;

    public string Issuer => _gateway!.Issuer;

    public string DataDirectory => _workspace!.DataDirectory;

    /// <summary>The gateway's services, for tests that read what it stored.</summary>
    public IServiceProvider Services => _gateway!.Services;

    /// <summary>Every log event the gateway wrote, as compact JSON lines.</summary>
    public string LogFile => Path.Combine(_workspace!.Directory, "gateway.log");

    internal GatewayWorkspace Workspace => _workspace!;

    internal TestGateway Gateway => _gateway!;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _gateway = await _workspace.StartGatewayAsync(
        [
            "--Forwarding:HealthCheckInterval=00:00:00.500",
            "--Metering:FlushInterval=00:00:00.200",
            .. TestGateway.LogToFile(LogFile),
        ]);
    }

    public Task<string> ReadLogAsync() => Infrastructure.LogFile.ReadAsync(LogFile);

    /// <summary>A token from the gateway's own token endpoint.</summary>
    public Task<string> TokenAsync(string clientId, string secret = TestRegistry.Secret) => Data.TokenAsync(clientId, secret);

    /// <summary>Sends a data call with a bearer token and an optional purpose.</summary>
    public Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, string? token, string? purpose = null, Action<HttpRequestMessage>? configure = null) =>
        Data.CallAsync(method, path, token, purpose, configure);

    public async Task DisposeAsync()
    {
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
