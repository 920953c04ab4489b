using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ndxp.Gateway.Web.Console;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
