using Ndxp.Gateway.DemoProviders.CitizenIdentity;
using Ndxp.Gateway.DemoProviders.Enterprise;
using Ndxp.Gateway.DemoProviders.Insurance;
using Ndxp.Gateway.DemoProviders.Population;
using Ndxp.Gateway.DemoProviders.StaffIdentity;

namespace Ndxp.Gateway.DemoProviders;

/// <summary>
/// Sample provider services over synthetic, deterministic data (no real person or enterprise): what the gateway
/// routes to in the demo, the tests and the benchmarks. Each answer echoes the identity the gateway forwarded, so a
/// newcomer sees what the provider learns about its caller. Beside them, DEMO ONLY, a stand-in citizen identity provider
/// (<see cref="DemoCitizenIdentity"/>) for signing in to the gateway's citizen access trail, and a stand-in staff
/// OpenID Connect authority (<see cref="DemoStaffIdentity"/>) for signing in to the operator console and agency portal.
/// </summary>
public static class DemoProviderApp
{
    public static WebApplication Build(string[] args, string url)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        // A problem names the gateway's transaction it answers, as the gateway's own problems do, so an agency can quote it.
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            if (context.HttpContext.Request.Headers["X-Transaction-Id"].ToString() is { Length: > 0 } transaction)
            {
                context.ProblemDetails.Extensions["transactionId"] = transaction;
            }
        });
        builder.Services.AddSingleton(CitizenDirectory.CreateDemo());
        builder.Services.AddSingleton(EnterpriseDirectory.CreateDemo());
        builder.Services.AddSingleton(InsuranceDirectory.CreateDemo());
        builder.Services.AddDemoCitizenIdentity(url);
        builder.Services.AddDemoStaffIdentity(url);

        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapPopulationApi();
        app.MapEnterpriseApi();
        app.MapInsuranceApi();
        app.MapDemoCitizenIdentity();
        app.MapDemoStaffIdentity();
        return app;
    }
}
