using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Console;

/// <summary>Grants: list with purposes, limits and quotas; create; suspend and activate.</summary>
public sealed class GrantsModel : ConsolePage
{
    [BindProperty]
    public GrantForm Form { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (!ModelState.IsValid)
        {
            Fail(string.Join(" ", ModelState.Where(e => e.Value?.Errors.Count > 0).Select(e => $"{e.Key}: {e.Value!.Errors[0].ErrorMessage}")));
            return Page();
        }

        var grant = Form.ToGrant();
        if (!await CommitAsync(stored => RegistryEntityKind.Grants.Find(stored.Document, grant.Id) is null
                ? RegistryEntityKind.Grants.Put(stored.Document, grant)
                : throw new AdminRefusal(ProblemKind.EntityExists, $"Grant '{grant.Id}' already exists.")))
        {
            return Page();
        }

        Notice(Text("Notice.Created", grant.Id));
        return RedirectToPage();
    }

    public Task<IActionResult> OnPostSuspendAsync(string id) => StatusAsync(id, EntityStatus.Suspended);

    public Task<IActionResult> OnPostActivateAsync(string id) => StatusAsync(id, EntityStatus.Active);

    /// <summary>A grant's rate and quotas in one line.</summary>
    public static string Limits(Grant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var parts = new List<string>();
        if (grant.RateLimit is { } rate)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{rate.PerSecond}/s (burst {rate.Burst})"));
        }

        if (grant.DailyQuota is { } daily)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{daily}/day"));
        }

        if (grant.MonthlyQuota is { } monthly)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{monthly}/month"));
        }

        return string.Join(", ", parts);
    }

    private async Task<IActionResult> StatusAsync(string id, EntityStatus status) =>
        await SetStatusAsync(RegistryEntityKind.Grants, id, status) ? RedirectToPage() : Page();
}
