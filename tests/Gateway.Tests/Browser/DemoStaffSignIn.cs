using Microsoft.Playwright;
using Ndxp.Gateway.DemoProviders.StaffIdentity;

namespace Ndxp.Gateway.Tests.Browser;

/// <summary>
/// Signing in to the console and portal in the browser through the demo providers' stand-in staff authority, which a
/// gateway started with <see cref="Web.WebSession.SignInSettings"/> trusts: a person's steps through its form.
/// </summary>
internal static class DemoStaffSignIn
{
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
