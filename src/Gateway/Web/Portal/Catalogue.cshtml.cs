using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Portal;

/// <summary>
/// The service catalogue: every active service with its provider, description, methods, personal-data flag, accepted
/// purposes, its OpenAPI document when the provider registered one, and a ready curl sample; a provider's approvers
/// register their services' documents here.
/// </summary>
public sealed class CatalogueModel : PortalPage
{
    public IEnumerable<Service> Catalogue => Registry.Services.Where(s => s.Status == EntityStatus.Active).OrderBy(s => s.Id, StringComparer.Ordinal);

    public void OnGet()
    {
    }

    /// <summary>The service's registered OpenAPI document, as JSON.</summary>
    public IActionResult OnGetOpenApi(string service) =>
        RegistryEntityKind.ApiDocuments.Find(Registry, service) is { } api
            ? Content(api.Document.GetRawText(), "application/json; charset=utf-8")
            : NotFound();

    public async Task<IActionResult> OnPostDocumentAsync(string service, string? document)
    {
        if (!IsApprover)
        {
            Fail(Text("Catalogue.OnlyProvider"), StatusCodes.Status403Forbidden);
            return Page();
        }

        JsonElement parsed;
        try
        {
            using var json = JsonDocument.Parse(document ?? "", new JsonDocumentOptions { MaxDepth = 64 });
            parsed = json.RootElement.Clone();
        }
        catch (JsonException)
        {
            Fail(Text("Catalogue.NotJson"), StatusCodes.Status400BadRequest);
            return Page();
        }

        var api = new ApiDocument { Service = service, Document = parsed };
        var onlyProvider = Text("Catalogue.OnlyProvider");
        if (!await CommitAsync(stored =>
            {
                // Checked against the stored registry, in the commit: the service's provider is this person's agency, active.
                if (RegistryEntityKind.Services.Find(stored.Document, service)?.Provider != Agency
                    || RegistryEntityKind.Agencies.Find(stored.Document, Agency) is not { Status: EntityStatus.Active })
                {
                    throw new Admin.AdminRefusal(Problems.ProblemKind.ApproverRoleRequired, onlyProvider);
                }

                return RegistryEntityKind.ApiDocuments.Put(stored.Document, api);
            }))
        {
            return Page();
        }

        Notice(Text("Notice.Saved", service));
        return RedirectToPage();
    }

    /// <summary>A call to the service as a consumer makes it: a token from the data port, then the call with its purpose.</summary>
    public string CurlSample(Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var origin = $"{Request.Scheme}://{Request.Host}";
        var path = service.SubjectPath is { } subject ? subject.Replace("{", "<", StringComparison.Ordinal).Replace("}", ">", StringComparison.Ordinal) : service.PathPrefix + "/...";
        var purpose = service.Purposes.Count > 0 ? service.Purposes[0] : "<purpose>";
        return $"""
            TOKEN=$(curl -s -u <client-id>:<client-secret> -d grant_type=client_credentials {origin}/connect/token | jq -r .access_token)
            curl -H "Authorization: Bearer $TOKEN" -H "X-Purpose: {purpose}" {origin}{path}
            """;
    }
}
