using Microsoft.AspNetCore.Mvc;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Console;

/// <summary>
/// Clients: list, create (the generated secret shown once, in this answer only), rotate the secret (the old one works a
/// day more, as the admin API's default), suspend, activate, and register public keys for private_key_jwt.
/// </summary>
public sealed class ClientsModel() : StatusPage<Client>(RegistryEntityKind.Clients)
{
    [BindProperty]
    public string? Id { get; set; }

    [BindProperty]
    public string? Agency { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public IReadOnlyList<string> Roles { get; set; } = [];

    /// <summary>A secret just generated: rendered into this one answer (never stored, never redirected with).</summary>
    public (string ClientId, string Secret)? IssuedSecret { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var id = Id?.Trim() ?? "";
        var (client, created) = AdminResources.Clients.Create(new Client { Id = id, Agency = Agency ?? "", Name = NullIfEmpty(Name), Roles = [.. Roles] });
        if (await CreateAsync(RegistryEntityKind.Clients, client))
        {
            IssuedSecret = (id, ((ClientWithSecret)created).ClientSecret);
            ModelState.Clear();
            Id = Name = null;
            Roles = [];
        }

        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(string id)
    {
        var (secret, hash) = ClientSecretHasher.Generate();
        var now = Clock.GetUtcNow();
        if (await ChangeClientAsync(id, existing => ClientChanges.RotateSecret(existing, hash, TimeSpan.FromMinutes(ClientSecretApi.DefaultOverlapMinutes), now), ClientChanges.RotateSecretAction))
        {
            IssuedSecret = (id, secret);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAddKeyAsync(string id, string? key)
    {
        var now = Clock.GetUtcNow();
        if (!await ChangeClientAsync(id, existing => ClientChanges.AddKeys(existing, PublicKeyInput.Parse(key ?? ""), overlap: null, now), ClientChanges.AddKeyAction))
        {
            return Page();
        }

        Notice(Text("Notice.Saved", id));
        return RedirectToPage();
    }

    private Task<bool> ChangeClientAsync(string id, Func<Client, Client> change, string action) =>
        CommitAsync(stored => RegistryEntityKind.Clients.Put(stored.Document, change(RegistryAdminApi.Existing(RegistryEntityKind.Clients, stored, id, ifMatch: null))), action);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
