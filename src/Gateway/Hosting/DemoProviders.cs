using Microsoft.Extensions.Options;
using Ndxp.Gateway.DemoProviders;

namespace Ndxp.Gateway.Hosting;

/// <summary>The demo mode (<c>--demo</c>): demo provider services in the same process and the demo registry seed.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    public bool Enabled { get; set; }

    /// <summary>Where the demo providers listen; the demo registry's destinations point here.</summary>
    public string ProvidersUrl { get; set; } = "http://127.0.0.1:5100";

    /// <summary>The registry seeded on first start in demo mode, relative to the application's directory.</summary>
    public string SeedFile { get; set; } = "config/registry.demo.json";
}

/// <summary>Runs the demo provider services beside the gateway, started before it and stopped after it.</summary>
internal sealed class DemoProvidersHostedService : IHostedService, IAsyncDisposable
{
    private readonly WebApplication _providers;

    public DemoProvidersHostedService(IOptions<DemoOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _providers = DemoProviderApp.Build([], options.Value.ProvidersUrl);
    }

    public Task StartAsync(CancellationToken cancellationToken) => _providers.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _providers.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _providers.DisposeAsync();
}
