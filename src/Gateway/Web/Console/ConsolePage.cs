using Microsoft.AspNetCore.Mvc;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Console;

/// <summary>A console page, for platform operators (the area's policy requires the operator role).</summary>
public abstract class ConsolePage() : WebPage(WebArea.Console);

/// <summary>A console page of entities with a status: its suspend and activate handlers.</summary>
public abstract class StatusPage<T>(RegistryEntityKind<T> kind) : ConsolePage
    where T : class
{
    public Task<IActionResult> OnPostSuspendAsync(string id) => SetStatusAsync(id, EntityStatus.Suspended);

    public Task<IActionResult> OnPostActivateAsync(string id) => SetStatusAsync(id, EntityStatus.Active);

    private async Task<IActionResult> SetStatusAsync(string id, EntityStatus status) =>
        await CommitAsync(
            stored => kind.Put(stored.Document, kind.WithStatus(RegistryAdminApi.Existing(kind, stored, id, ifMatch: null), status)),
            status == EntityStatus.Suspended ? "suspend" : "activate")
            ? RedirectToPage()
            : Page();
}
