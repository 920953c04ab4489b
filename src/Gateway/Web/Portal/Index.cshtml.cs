namespace Ndxp.Gateway.Web.Portal;

/// <summary>The agency at a glance: its clients and the grants it holds.</summary>
public sealed class IndexModel : PortalPage
{
    public void OnGet()
    {
    }
}
