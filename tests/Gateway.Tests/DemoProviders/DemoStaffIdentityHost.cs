using Ndxp.Gateway.DemoProviders.StaffIdentity;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.DemoProviders;

/// <summary>
/// The stand-in staff authority alone on real Kestrel, with the test's clock and, if given, the test's code store: what
/// the demo providers' own host does not let a test choose.
/// </summary>
internal sealed class DemoStaffIdentityHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DemoStaffIdentityHost(WebApplication app, string url)
    {
        _app = app;
        Browser = new DemoStaffBrowser(url);
    }

    public DemoStaffBrowser Browser { get; }

    public static async Task<DemoStaffIdentityHost> StartAsync(TimeProvider clock, DemoStaffCodeStore? codes = null)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(clock);
        if (codes is not null)
        {
            builder.Services.AddSingleton(codes);
        }

        builder.Services.AddDemoStaffIdentity(url);
        var app = builder.Build();
        app.MapDemoStaffIdentity();
        await app.StartAsync();
        return new DemoStaffIdentityHost(app, url);
    }

    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        await _app.DisposeAsync();
    }
}
