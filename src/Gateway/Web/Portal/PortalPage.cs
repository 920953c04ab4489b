namespace Ndxp.Gateway.Web.Portal;

/// <summary>
/// A portal page for the staff of one agency: the agency is the signed-in person's agency claim (the area's policy
/// requires one), and an approver (the authority's approver role) decides requests to the agency's own services.
/// </summary>
public abstract class PortalPage() : WebPage(WebArea.Portal)
{
    public string Agency => User.FindFirst(SignInSettings.AgencyClaim)?.Value ?? "";

    public bool IsApprover => User.HasClaim(SignInSettings.RoleClaim, SignInSettings.ApproverRole);
}
