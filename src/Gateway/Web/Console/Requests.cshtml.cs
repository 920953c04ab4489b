using Microsoft.AspNetCore.Mvc;
using Ndxp.Gateway.AccessRequests;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Web.Console;

/// <summary>Access requests: the platform's decision, after the provider's approver; approval creates the grant.</summary>
public sealed class RequestsModel : ConsolePage
{
    public DateTimeOffset Now => Workflow.Now;

    public AccessRequestOptions Options => Workflow.Options;

    public IEnumerable<AccessRequest> Requests => Registry.AccessRequests
        .OrderBy(r => r.StateAt(Now) == AccessRequestState.AwaitingOperator ? 0 : 1).ThenByDescending(r => r.RequestedAt);

    private AccessRequestWorkflow Workflow => Services<AccessRequestWorkflow>();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostDecideAsync(string id, string decision, string? reason, long? dailyQuota)
    {
        if (Decisions.Parse(decision) is not { } approve || !ModelState.IsValid)
        {
            Fail(Text("Form.Invalid"), StatusCodes.Status400BadRequest);
            return Page();
        }

        if (!await TryAsync(() => Workflow.DecideAsOperatorAsync(Person, id, approve, reason, dailyQuota, HttpContext.RequestAborted)))
        {
            return Page();
        }

        Notice(Text("Notice.Saved", id));
        return RedirectToPage();
    }
}
