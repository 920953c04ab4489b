using Microsoft.Playwright;
using Ndxp.Gateway.DemoProviders.StaffIdentity;

namespace Ndxp.Gateway.Tests.Browser;

/// <summary>
/// Signing in to the console and portal through the demo providers' stand-in staff authority: the gateway's settings
/// that trust it, and a person's steps through its form in the browser.
/// </summary>
internal static class DemoStaffSignIn
{
    /// <summary>
    /// Settings of a gateway in the test process that serves its console and portal, signing in against the authority
    /// of the demo providers at <paramref name="providersUrl"/>.
    /// </summary>
    public static string[] GatewaySettings(string providersUrl) =>
    [
        // Razor Pages finds its pages in the application's assembly, by default the entry assembly: in the test process
        // that is the test host, which has none (WebApplicationFactory names the application for the same reason).
        $"--applicationName={typeof(GatewayApplication).Assembly.GetName().Name}",
        $"--SignIn:Authority={DemoStaffIdentity.IssuerFor(providersUrl)}",
        // The demo authority is plain HTTP on a loopback port.
        "--SignIn:RequireHttpsMetadata=false",
        $"--SignIn:Console:ClientId={DemoStaffIdentity.ConsoleClientId}",
        $"--SignIn:Console:ClientSecret={DemoStaffIdentity.ConsoleClientSecret}",
        $"--SignIn:Portal:ClientId={DemoStaffIdentity.PortalClientId}",
        $"--SignIn:Portal:ClientSecret={DemoStaffIdentity.PortalClientSecret}",
    ];

    /// <summary>
    /// Opens <paramref name="startUrl"/> (a console or portal page), which sends a signed-out browser to the authority's
    /// form; signs in there as <paramref name="username"/> with the demo password, and returns once the browser is back
    /// on the start URL's origin, past the sign-in callback.
    /// </summary>
    /// <returns>The address of the form the browser signed in at.</returns>
    public static async Task<string> SignInAsync(IPage page, string startUrl, string username)
    {
        ArgumentNullException.ThrowIfNull(page);
        var gateway = new Uri(startUrl).GetLeftPart(UriPartial.Authority) + "/";
        await page.GotoAsync(startUrl);
        var form = page.Url;
        await page.Locator("#username").FillAsync(username);
        await page.Locator("#password").FillAsync(DemoStaffIdentity.DemoPassword);
        await page.Locator("form button[type=submit]").ClickAsync();
        // The callback answers a page that goes on by itself: done only once the browser has left it too.
        await page.WaitForURLAsync(url => url.StartsWith(gateway, StringComparison.Ordinal)
            && !new Uri(url).AbsolutePath.EndsWith("/signin-oidc", StringComparison.Ordinal));
        return form;
    }
}
