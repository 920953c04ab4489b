using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ndxp.Gateway.Web.Portal;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
