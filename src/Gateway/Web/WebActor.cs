using Ndxp.Gateway.Audit;

namespace Ndxp.Gateway.Web;

/// <summary>Who a signed-in person is in the audit trail: the area and their name at the authority, their agency, their address.</summary>
internal static class WebActor
{
    public static AuditActor Of(HttpContext context, WebArea area)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        var name = user.FindFirst("preferred_username")?.Value ?? user.FindFirst("sub")?.Value ?? "unknown";
        var agency = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SignInOptions>>().Value.AgencyClaim;
        return new AuditActor($"{area.Name}:{name}", user.FindFirst(agency)?.Value, context.Connection.RemoteIpAddress?.ToString());
    }
}
