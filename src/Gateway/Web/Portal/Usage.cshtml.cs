namespace Ndxp.Gateway.Web.Portal;

/// <summary>The signed-in person's own agency's usage, whatever the form asks for.</summary>
public sealed class UsageModel() : UsagePage(WebArea.Portal)
{
    public override string? OwnAgency => User.FindFirst(SignInSettings.AgencyClaim)?.Value;
}
