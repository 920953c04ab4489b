using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Console;

/// <summary>Grants: list with purposes, limits and quotas; create; suspend and activate.</summary>
public sealed class GrantsModel() : StatusPage<Grant>(RegistryEntityKind.Grants)
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
            Fail(string.Join(" ", ModelState.Where(e => e.Value?.Errors.Count > 0).Select(e => $"{e.Key}: {e.Value!.Errors[0].ErrorMessage}")), StatusCodes.Status400BadRequest);
            return Page();
        }

        var grant = Form.ToGrant();
        if (!await CreateAsync(RegistryEntityKind.Grants, grant))
        {
            return Page();
        }

        Notice(Text("Notice.Created", grant.Id));
        return RedirectToPage();
    }

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
}
