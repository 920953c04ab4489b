using Microsoft.AspNetCore.Mvc;
using Ndxp.Gateway.AccessRequests;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Portal;

/// <summary>
/// Access requests: the agency's own (and a form to make one), and those to the agency's services, which its
/// approvers decide first.
/// </summary>
public sealed class RequestsModel : PortalPage
{
    public const int PurposeRows = 3;

    [BindProperty(SupportsGet = true)]
    public string? Service { get; set; }

    [BindProperty]
    public IList<RequestedPurposeForm> Purposes { get; set; } = [.. Enumerable.Range(0, PurposeRows).Select(_ => new RequestedPurposeForm())];

    [BindProperty]
    public long ExpectedDailyCalls { get; set; }

    [BindProperty]
    public DateOnly? ValidUntil { get; set; }

    public DateTimeOffset Now => Workflow.Now;

    public AccessRequestOptions Options => Workflow.Options;

    public IEnumerable<AccessRequest> Own => AccessRequestWorkflow.Concerning(Registry, Agency).Where(r => r.ConsumerAgency == Agency);

    public IEnumerable<AccessRequest> ToDecide => AccessRequestWorkflow.Concerning(Registry, Agency).Where(r => r.ConsumerAgency != Agency);

    /// <summary>Services the agency may ask for: active, and not its own.</summary>
    public IEnumerable<Service> Requestable => Registry.Services.Where(s => s.Status == EntityStatus.Active && s.Provider != Agency).OrderBy(s => s.Id, StringComparer.Ordinal);

    private AccessRequestWorkflow Workflow => Services<AccessRequestWorkflow>();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostSubmitAsync()
    {
        var purposes = Purposes.Where(p => !string.IsNullOrWhiteSpace(p.Purpose) || !string.IsNullOrWhiteSpace(p.LegalBasis))
            .Select(p => new RequestedPurpose { Purpose = p.Purpose?.Trim() ?? "", LegalBasis = p.LegalBasis?.Trim() ?? "" }).ToList();
        if (!ModelState.IsValid)
        {
            Fail(Text("Form.Invalid"), StatusCodes.Status400BadRequest);
            return Page();
        }

        var validUntil = ValidUntil is { } until ? DayEnd.Of(until) : (DateTimeOffset?)null;
        AccessRequest? submitted = null;
        if (!await TryAsync(async () => submitted = await Workflow.SubmitAsync(
                Person, Agency, new AccessRequestInput(Service ?? "", purposes, ExpectedDailyCalls, validUntil), HttpContext.RequestAborted)))
        {
            return Page();
        }

        Notice(Text("Requests.Submitted", submitted!.Id));
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDecideAsync(string id, string decision, string? reason)
    {
        if (Decisions.Parse(decision) is not { } approve)
        {
            Fail(Text("Form.Invalid"), StatusCodes.Status400BadRequest);
            return Page();
        }

        if (!IsApprover)
        {
            Fail(Text("Requests.ApproversOnly"), StatusCodes.Status403Forbidden);
            return Page();
        }

        if (!await TryAsync(() => Workflow.DecideAsProviderAsync(Person, Agency, id, approve, reason, HttpContext.RequestAborted)))
        {
            return Page();
        }

        Notice(Text("Notice.Saved", id));
        return RedirectToPage();
    }
}

/// <summary>One purpose row of the request form.</summary>
public sealed class RequestedPurposeForm
{
    public string? Purpose { get; set; }

    public string? LegalBasis { get; set; }
}
