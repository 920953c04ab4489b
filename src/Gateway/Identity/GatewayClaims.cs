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
    /// The role that may search a data subject's access trail. Apart from <see cref="OperatorRole"/> (separation of
    /// duties): running the platform does not entitle anyone to look up who read a person's data.
    /// </summary>
    public const string AuditorRole = "auditor";

    /// <summary>The role with which a provider agency's client decides access requests to its services (portal API).</summary>
    public const string ApproverRole = "approver";

    /// <summary>Roles a registry client may hold.</summary>
    public static IReadOnlyList<string> KnownRoles { get; } = [OperatorRole, AuditorRole, ApproverRole];

    /// <summary>
    /// Set by the gateway (never taken from a token) on a token of a citizen identity provider: the person's
    /// identifier, read from the claim configured for that authority.
    /// </summary>
    public const string CitizenSubject = "ndxp:citizen-subject";

    /// <summary>
    /// Set by the gateway (never taken from a token) when an external authority's token carries its configured
    /// operator scope.
    /// </summary>
    public const string ExternalOperator = "ndxp:external-operator";
}
