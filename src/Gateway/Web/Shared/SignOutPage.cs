using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ndxp.Gateway.Web;

/// <summary>Ends the area's session here and at the authority (a POST with the anti-forgery token: no sign-out by link).</summary>
public abstract class SignOutPage(WebArea area) : PageModel
{
    public IActionResult OnGet() => Redirect(area.PathBase + "/");

    public SignOutResult OnPost() =>
        SignOut(new AuthenticationProperties { RedirectUri = area.PathBase + "/" }, area.CookieScheme, area.SignInScheme);
}
