using Microsoft.AspNetCore.Mvc;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Console;

/// <summary>Revoked tokens by jti: list, revoke one until it would have expired, and lift a revocation.</summary>
public sealed class RevocationsModel : ConsolePage
{
    [BindProperty]
    public string? Jti { get; set; }

    [BindProperty]
    public DateTimeOffset? ExpiresAt { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostRevokeAsync()
    {
        var revoked = new RevokedToken
        {
            Jti = Jti?.Trim() ?? "",
            // The token's own expiry when known; else the longest a gateway token lives, so the entry outlasts it.
            ExpiresAt = ExpiresAt?.ToUniversalTime() ?? Clock.GetUtcNow().AddDays(1),
            Reason = string.IsNullOrWhiteSpace(Reason) ? null : Reason.Trim(),
        };
        if (!await CreateAsync(RegistryEntityKind.Revocations, revoked))
        {
            return Page();
        }

        Notice(Text("Notice.Created", revoked.Jti));
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostLiftAsync(string jti)
    {
        if (!await CommitAsync(stored =>
            {
                RegistryAdminApi.Existing(RegistryEntityKind.Revocations, stored, jti, ifMatch: null);
                return RegistryEntityKind.Revocations.Remove(stored.Document, jti);
            }))
        {
            return Page();
        }

        return RedirectToPage();
    }
}
