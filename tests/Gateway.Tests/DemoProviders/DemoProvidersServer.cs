using Ndxp.Gateway.DemoProviders;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.DemoProviders;

/// <summary>The demo provider services on real Kestrel at a free loopback port, one per test class.</summary>
public sealed class DemoProvidersServer : IAsyncLifetime
{
    private WebApplication? _app;

    public string Url { get; } = $"http://127.0.0.1:{FreePort.Next()}";

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = DemoProviderApp.Build([], Url);
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(Url) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
