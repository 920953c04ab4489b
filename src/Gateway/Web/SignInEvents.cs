using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Web;

/// <summary>What the gateway adds to ASP.NET Core's OpenID Connect handler for its two areas.</summary>
internal static class SignInEvents
{
    private const string SignedInAt = "ndxp:signed-in-at";

    /// <summary>
    /// The handler answers its callback path on every port; the console's is answered on the admin port only, the
    /// portal's on the data port only (elsewhere the request goes on to routing, which knows no such page: 404).
    /// </summary>
    public static Task OnlyOnItsPort(MessageReceivedContext context, WebArea area, GatewayHostOptions host)
    {
        var onAdminPort = context.HttpContext.Connection.LocalPort == host.AdminPort;
        if (onAdminPort != (area == WebArea.Console))
        {
            context.SkipHandler();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The sign-in and sign-out callbacks at the area's configured public URL (<c>Gateway:AdminPublicUrl</c> for the
    /// console, <c>Identity:Issuer</c> for the portal), when there is one.
    /// </summary>
    public static Task AtPublicUrl(RedirectContext context, WebArea area, string? publicUrl)
    {
        if (publicUrl is null)
        {
            return Task.CompletedTask;
        }

        var origin = publicUrl.TrimEnd('/');
        if (context.ProtocolMessage.RequestType == Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectRequestType.Logout)
        {
            context.ProtocolMessage.PostLogoutRedirectUri = $"{origin}{area.PathBase}/signout-callback-oidc";
        }
        else
        {
            // The handler notes this message's redirect URI after the event, and redeems the code with it.
            context.ProtocolMessage.RedirectUri = $"{origin}{area.PathBase}/signin-oidc";
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A session signed in more than <paramref name="maxLifetime"/> ago ends however active: the person signs in again and
    /// the authority's roles are read afresh. (Not the cookie's own issue time, which each sliding renewal moves.)
    /// </summary>
    public static Task EndOldSession(CookieValidatePrincipalContext context, TimeSpan maxLifetime)
    {
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!context.Properties.Items.TryGetValue(SignedInAt, out var value)
            || !DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var signedIn)
            || now - signedIn > maxLifetime)
        {
            context.RejectPrincipal();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Signs in, then goes on to the page asked for through a page of our own instead of a redirect: the session cookie
    /// is SameSite=Strict, and a browser does not send such a cookie on a redirect chain that began at the authority (another
    /// site), so the first page would not see the session and would send the person to sign in again.
    /// </summary>
    public static async Task SignInThenBounce(TicketReceivedContext context, WebArea area)
    {
        var target = area.Contains(context.ReturnUri) ? context.ReturnUri! : area.PathBase + "/";
        var properties = context.Properties ?? new AuthenticationProperties();
        properties.Items[SignedInAt] = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        await context.HttpContext.SignInAsync(area.CookieScheme, context.Principal!, properties);
        context.HandleResponse();
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        var url = HtmlEncoder.Default.Encode(target);
        await response.WriteAsync($"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={url}">
            <title>NDXP: signed in</title></head><body><main><p><a href="{url}">Continue</a></p></main></body></html>
            """, context.HttpContext.RequestAborted);
    }
}
