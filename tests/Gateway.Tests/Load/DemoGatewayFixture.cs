using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Load;

/// <summary>
/// A gateway seeded with the demo registry (<see cref="DemoTestRegistry"/>) in front of the real demo providers, for
/// the load tool's runs. The refusal budget is raised above what the refused scenarios send, as soak.sh does
/// (otherwise the gateway stops a client refused more than once a second).
/// </summary>
public sealed class DemoGatewayFixture : IAsyncLifetime
{
    public const string OperatorSecret = DemoTestRegistry.OperatorSecret;

    private GatewayWorkspace? _workspace;
    private TestGateway? _gateway;

    public string Target => $"http://127.0.0.1:{_gateway!.DataPort}";

    internal TestGateway Gateway => _gateway!;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        var registry = DemoTestRegistry.Build(_workspace.ProvidersUrl);
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
