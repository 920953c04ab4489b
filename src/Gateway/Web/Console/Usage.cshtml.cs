namespace Ndxp.Gateway.Web.Console;

/// <summary>Every agency's usage.</summary>
public sealed class UsageModel() : UsagePage(WebArea.Console)
{
    public override string? OwnAgency => null;
}
