using Microsoft.AspNetCore.Mvc;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Console;

/// <summary>Agencies: list, create, suspend and activate.</summary>
public sealed class AgenciesModel() : StatusPage<Agency>(RegistryEntityKind.Agencies)
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
        if (!await CreateAsync(RegistryEntityKind.Agencies, agency))
        {
            return Page();
        }

        Notice(Text("Notice.Created", agency.Code));
        return RedirectToPage();
    }
}
