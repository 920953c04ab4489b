using Ndxp.Gateway.Audit;

namespace Ndxp.Gateway.Web;

/// <summary>
/// Who a signed-in person is in the audit trail: the area and their subject at the authority (<c>sub</c>: stable, the
/// same wherever they act, and no e-mail address in the log's copy of the trail's head), their agency, their address.
/// </summary>
internal static class WebActor
{
    public static AuditActor Of(HttpContext context, WebArea area)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        var name = user.FindFirst("sub")?.Value ?? "unknown";
        var agency = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SignInOptions>>().Value.AgencyClaim;
        return new AuditActor($"{area.Name}:{name}", user.FindFirst(agency)?.Value, context.Connection.RemoteIpAddress?.ToString());
    }
}
