using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Web;

/// <summary>What the gateway adds to ASP.NET Core's OpenID Connect handler for its two areas.</summary>
internal static class SignInEvents
{
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
    /// Signs in, then goes on to the page asked for through a page of our own instead of a redirect: the session cookie
    /// is SameSite=Strict, and a browser does not send such a cookie on a redirect chain that began at the authority (another
    /// site), so the first page would not see the session and would send the person to sign in again.
    /// </summary>
    public static async Task SignInThenBounce(TicketReceivedContext context, WebArea area)
    {
        var target = area.Contains(context.ReturnUri) ? context.ReturnUri! : area.PathBase + "/";
        await context.HttpContext.SignInAsync(area.CookieScheme, context.Principal!, context.Properties);
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
