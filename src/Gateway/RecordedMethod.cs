using System.Collections.Frozen;
using Microsoft.AspNetCore.Http.Features;

namespace Ndxp.Gateway;

/// <summary>
/// The HTTP method as the gateway records it (summary log, usage records, metric labels): one of the methods a service
/// can be registered for, else <c>OTHER</c>. Kestrel accepts any token as a method, thousands of characters long, and
/// a caller must not be able to write that into every log line and stored record.
/// </summary>
internal static class RecordedMethod
{
    public const string Other = "OTHER";

    /// <summary>The methods a service or grant can name (the registry validates against them), in this order.</summary>
    public static readonly IReadOnlyList<string> Registrable = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    private static readonly FrozenSet<string> Known = Registrable.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsRegistrable(string method) => Known.Contains(method);

    public static string Of(string method) => Known.TryGetValue(method, out var known) ? known : Other;

    /// <summary>
    /// The call's method as recorded; an HTTP/2 WebSocket (extended CONNECT, RFC 8441) as the GET that opens one over
    /// HTTP/1.1, which is the method access checked it for.
    /// </summary>
    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var method = context.Request.Method;
        return HttpMethods.IsConnect(method) && context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true ? HttpMethods.Get : Of(method);
    }
}
