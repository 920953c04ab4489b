using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Portal;

/// <summary>
/// A portal page for the staff of one agency: the agency is the signed-in person's agency claim (the area's policy
/// requires one), and an approver (the authority's approver role) decides requests to the agency's own services.
/// </summary>
public abstract class PortalPage : PageModel
{
    public string Agency => User.FindFirst(SignInSettings.AgencyClaim)?.Value ?? "";

    public bool IsApprover => User.HasClaim(SignInSettings.RoleClaim, SignInSettings.ApproverRole);

    public RegistryDocument Registry => Services<RegistrySnapshotProvider>().Current.Document;

    private protected AuditActor Actor => WebActor.Of(HttpContext, WebArea.Portal);

    private protected SignInOptions SignInSettings => Services<IOptions<SignInOptions>>().Value;

    private protected T Services<T>()
        where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();

    /// <summary>Runs a change; an <see cref="AdminRefusal"/> or invalid registry becomes the page's error (with its status).</summary>
    private protected async Task<bool> TryAsync(Func<Task> change)
    {
        try
        {
            await change();
            return true;
        }
        catch (AdminRefusal refusal)
        {
            Fail(refusal.Message, Problems.ProblemCatalog.Describe(refusal.Kind).Status);
        }

        return false;
    }

    private protected void Fail(string message, int status)
    {
        ViewData["Error"] = message;
        Response.StatusCode = status;
    }

    private protected void Notice(string message) => TempData["Notice"] = message;

    private protected string Text(string key, params object[] arguments) =>
        Services<Microsoft.Extensions.Localization.IStringLocalizer<Texts>>()[key, arguments];
}
