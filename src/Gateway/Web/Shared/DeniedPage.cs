using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ndxp.Gateway.Web;

/// <summary>
/// Where a signed-in person without the area's role lands: a 403 that says why, never the area's content, with a way to
/// sign out (and in as someone else). The page is open, so the session is read here, not by the area's policy.
/// </summary>
public abstract class DeniedPage(WebArea area) : PageModel
{
    public async Task OnGetAsync()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        ViewData["HideNavigation"] = true;
        if (await HttpContext.AuthenticateAsync(area.CookieScheme) is { Succeeded: true } session)
        {
            HttpContext.User = session.Principal;
        }
    }
}
