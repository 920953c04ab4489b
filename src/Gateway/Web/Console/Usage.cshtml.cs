namespace Ndxp.Gateway.Web.Console;

/// <summary>Every agency's usage.</summary>
public sealed class UsageModel : UsagePage
{
    public override string? OwnAgency => null;
}
