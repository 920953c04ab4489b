using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web;

/// <summary>
/// A console or portal page: reads the live registry, and changes it only through <see cref="AdminCommit"/>, the admin
/// API's own commit path (validated as a whole registry, audited as the signed-in person, in effect before the page
/// answers). A refused change is shown on the page with the problem's status, never a 500.
/// </summary>
public abstract class WebPage(WebArea area) : PageModel
{
    public RegistryDocument Registry => Services<RegistrySnapshotProvider>().Current.Document;

    private protected TimeProvider Clock => Services<TimeProvider>();

    private protected SignInOptions SignInSettings => Services<IOptions<SignInOptions>>().Value;

    /// <summary>The signed-in person as the audit trail names them.</summary>
    private protected Audit.AuditActor Person => WebActor.Of(HttpContext, area);

    private protected T Services<T>()
        where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();

    /// <summary>Commits the document <paramref name="change"/> makes of the stored one; false (the page shows why) when refused.</summary>
    private protected Task<bool> CommitAsync(Func<StoredRegistry, RegistryDocument> change, string updateAction = RegistryDiff.Update) =>
        TryAsync(() => Services<AdminCommit>().CommitAsync(Person, stored => RegistryAdminApi.Planned(stored, change(stored), updateAction), HttpContext.RequestAborted));

    /// <summary>Adds <paramref name="entity"/>; refused (409) when one of its id exists.</summary>
    private protected Task<bool> CreateAsync<T>(RegistryEntityKind<T> kind, T entity)
        where T : class =>
        CommitAsync(stored => kind.Find(stored.Document, kind.IdOf(entity)) is null
            ? kind.Put(stored.Document, entity)
            : throw new AdminRefusal(Problems.ProblemKind.EntityExists, $"{kind.Kind} '{kind.IdOf(entity)}' already exists."));

    /// <summary>Runs a change; a refusal becomes the page's error, with the problem's status.</summary>
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
            return false;
        }
    }

    private protected void Fail(string message, int status)
    {
        ViewData["Error"] = message;
        Response.StatusCode = status;
    }

    /// <summary>Shown once, on the page the change redirects to (never a secret: the notice travels in a cookie).</summary>
    private protected void Notice(string message) => TempData["Notice"] = message;

    private protected string Text(string key, params object[] arguments) => Services<IStringLocalizer<Texts>>()[key, arguments];
}
