using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.Web.Portal;

/// <summary>The signed-in person's own agency's usage, whatever the form asks for.</summary>
public sealed class UsageModel : UsagePage
{
    public override string? OwnAgency =>
        User.FindFirst(HttpContext.RequestServices.GetRequiredService<IOptions<SignInOptions>>().Value.AgencyClaim)?.Value;
}
