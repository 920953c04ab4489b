using Microsoft.AspNetCore.Mvc;
using Ndxp.Gateway.Audit;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Console;

/// <summary>The audit trail newest first, filtered in the store, paged with <c>before</c>; and its hash chain verified.</summary>
public sealed class AuditModel : ConsolePage
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? EntityId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public AuditVerification? Verification { get; private set; }

    public async Task OnGetAsync() => await ReadAsync();

    public async Task OnGetVerifyAsync()
    {
        Verification = await AuditVerifier.VerifyAsync(Services<IRegistryStore>(), HttpContext.RequestAborted);
        await ReadAsync();
    }

    /// <summary>The query string of the next (older) page, keeping the filters.</summary>
    public string OlderPage() =>
        QueryString.Create(new Dictionary<string, string?> { ["kind"] = Kind, ["entityId"] = EntityId, ["actor"] = Actor, ["before"] = Entries[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            .Where(p => !string.IsNullOrEmpty(p.Value))).ToString();

    private async Task ReadAsync()
    {
        Entries = await Services<IRegistryStore>().ReadAuditAsync(
            new AuditQuery(PageSize)
            {
                NewestFirst = true,
                Before = Before is > 0 ? Before : null,
                Kind = Blank(Kind),
                EntityId = Blank(EntityId),
                Actor = Blank(Actor),
            },
            HttpContext.RequestAborted);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
