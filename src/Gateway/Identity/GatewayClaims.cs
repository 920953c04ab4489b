namespace Ndxp.Gateway.Identity;

/// <summary>Claim names in the tokens the gateway issues and reads.</summary>
public static class GatewayClaims
{
    public const string Agency = "agency";
    public const string ClientId = "client_id";
    public const string Roles = "roles";

    /// <summary>The role that opens the admin plane.</summary>
    public const string OperatorRole = "operator";

    /// <summary>
    /// Set by the gateway (never taken from a token) when an external authority's token carries its configured
    /// operator scope.
    /// </summary>
    public const string ExternalOperator = "ndxp:external-operator";
}
