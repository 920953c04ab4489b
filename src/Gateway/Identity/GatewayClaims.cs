namespace Ndxp.Gateway.Identity;

/// <summary>Claim names in the tokens the gateway issues and reads.</summary>
public static class GatewayClaims
{
    public const string Agency = "agency";
    public const string ClientId = "client_id";
}
