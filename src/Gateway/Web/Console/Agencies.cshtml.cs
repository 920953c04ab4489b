using Microsoft.AspNetCore.Mvc;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Console;

/// <summary>Agencies: list, create, suspend and activate.</summary>
public sealed class AgenciesModel : ConsolePage
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public AgencyKind Kind { get; set; } = AgencyKind.Other;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var agency = new Agency { Code = Code?.Trim() ?? "", Name = Name?.Trim() ?? "", Kind = Kind };
        if (!await CommitAsync(stored => RegistryEntityKind.Agencies.Find(stored.Document, agency.Code) is null
                ? RegistryEntityKind.Agencies.Put(stored.Document, agency)
                : throw new AdminRefusal(ProblemKind.EntityExists, $"Agency '{agency.Code}' already exists.")))
        {
            return Page();
        }

        Notice(Text("Notice.Created", agency.Code));
        return RedirectToPage();
    }

    public Task<IActionResult> OnPostSuspendAsync(string code) => StatusAsync(code, EntityStatus.Suspended);

    public Task<IActionResult> OnPostActivateAsync(string code) => StatusAsync(code, EntityStatus.Active);

    private async Task<IActionResult> StatusAsync(string code, EntityStatus status) =>
        await SetStatusAsync(RegistryEntityKind.Agencies, code, status) ? RedirectToPage() : Page();
}
