using Microsoft.AspNetCore.Mvc.RazorPages;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Console;

/// <summary>
/// A console page: reads the live registry and changes it through <see cref="AdminCommit"/>, the admin API's own commit
/// path (validated as a whole registry, audited as the signed-in operator, in effect before the page answers).
/// </summary>
public abstract class ConsolePage : PageModel
{
    /// <summary>Why the last change was refused, shown above the page's forms.</summary>
    public string? Error { get; private set; }

    public RegistryDocument Registry => Services<RegistrySnapshotProvider>().Current.Document;

    private protected TimeProvider Clock => Services<TimeProvider>();

    private protected T Services<T>()
        where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();

    /// <summary>Commits the document <paramref name="change"/> makes of the stored one; false (with <see cref="Error"/> set, 422) when refused.</summary>
    private protected async Task<bool> CommitAsync(Func<StoredRegistry, RegistryDocument> change, string updateAction = RegistryDiff.Update)
    {
        try
        {
            await Services<AdminCommit>().CommitAsync(
                WebActor.Of(HttpContext, WebArea.Console), stored => RegistryAdminApi.Planned(stored, change(stored), updateAction), HttpContext.RequestAborted);
            return true;
        }
        catch (AdminRefusal refusal)
        {
            Fail(refusal.Message);
        }

        return false;
    }

    /// <summary>Sets one entity's status (suspend or activate) through the commit path.</summary>
    private protected Task<bool> SetStatusAsync<T>(RegistryEntityKind<T> kind, string id, EntityStatus status)
        where T : class =>
        CommitAsync(stored => kind.Put(stored.Document, kind.WithStatus(RegistryAdminApi.Existing(kind, stored, id, ifMatch: null), status)),
            status == EntityStatus.Suspended ? "suspend" : "activate");

    private protected void Fail(string message)
    {
        Error = message;
        ViewData["Error"] = message;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
    }

    /// <summary>Shown once, on the page the change redirects to (never a secret: the notice travels in a cookie).</summary>
    private protected void Notice(string message) => TempData["Notice"] = message;

    private protected string Text(string key, params object[] arguments) =>
        Services<Microsoft.Extensions.Localization.IStringLocalizer<Texts>>()[key, arguments];
}
