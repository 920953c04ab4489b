using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Load;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Load;

/// <summary>
/// A gateway seeded with the demo registry (<c>config/registry.demo.json</c>) in front of the real demo providers, for
/// the load tool's runs. The demo secrets are re-hashed at the lowest work factor the registry accepts, so fetching
/// the tokens costs milliseconds instead of a third of a second each; the refusal budget is raised above what the
/// refused scenarios send, as soak.sh does (otherwise the gateway stops a client refused more than once a second).
/// </summary>
public sealed class DemoGatewayFixture : IAsyncLifetime
{
    public const string OperatorSecret = "ops-demo-secret";

    private GatewayWorkspace? _workspace;
    private TestGateway? _gateway;

    public string Target => $"http://127.0.0.1:{_gateway!.DataPort}";

    internal TestGateway Gateway => _gateway!;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        var secrets = ScenarioCatalog.DemoClients.ToDictionary(c => c.Id, c => c.Secret);
        secrets["ops-console"] = OperatorSecret;
        var demo = RegistryJson.ReadFile(Repository.File("config", "registry.demo.json"));
        var registry = demo with
        {
            Clients = [.. demo.Clients.Select(c => c with { SecretHash = ClientSecretHasher.Hash(secrets[c.Id], ClientSecretHasher.MinimumIterations) })],
            Services = [.. demo.Services.Select(s => s with { Destinations = [_workspace.ProvidersUrl] })],
        };
        _gateway = await _workspace.StartGatewayAsync(
            registry,
            "--Metering:FlushInterval=00:00:00.200",
            "--Limits:RefusalsPerSecond=10000",
            "--Limits:RefusalBurst=100000");
    }

    public async Task DisposeAsync()
    {
        if (_workspace is not null)
        {
            await _workspace.DisposeAsync();
        }
    }
}
