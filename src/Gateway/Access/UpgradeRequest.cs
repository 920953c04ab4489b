using Microsoft.AspNetCore.Http.Features;

namespace Ndxp.Gateway.Access;

/// <summary>
/// Whether a call asks to leave HTTP for another protocol on its connection, and for which: an HTTP/1.1
/// <c>Upgrade</c> (RFC 9110 section 7.8) or an HTTP/2 extended CONNECT (RFC 8441). Once a provider agrees, the
/// connection is a tunnel whose bytes no access check, header transform or per-call meter sees again.
/// </summary>
internal static class UpgradeRequest
{
    /// <summary>Stands for an upgrade no service can accept: malformed, several protocols at once, or not a GET.</summary>
    public const string Unacceptable = "";

    /// <summary>Null when the call asks for no upgrade; else the protocol it asks for, or <see cref="Unacceptable"/>.</summary>
    public static string? Protocol(HttpContext context)
    {
        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            return connect.Protocol ?? Unacceptable;
        }

        var offered = context.Request.Headers.Upgrade;
        // Kestrel lets a bodiless request upgrade when its Connection header names "upgrade", with or without an Upgrade
        // header: either half alone is an upgrade request here, since a provider answering 101 to it opens the tunnel.
        var upgradable = context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true;
        if (offered.Count == 0 && !upgradable)
        {
            return null;
        }

        // One protocol on a GET, as a WebSocket handshake is (RFC 6455 section 4.1): YARP sends an upgrade to the
        // provider as a GET whatever the caller's method, which would pass a grant checked for another method.
        return upgradable && offered.Count == 1 && HttpMethods.IsGet(context.Request.Method) ? offered[0] ?? Unacceptable : Unacceptable;
    }
}
