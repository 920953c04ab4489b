namespace Ndxp.Gateway.Problems;

/// <summary>Every reason the gateway refuses or fails a call. <see cref="ProblemCatalog"/> gives each its status and type.</summary>
public enum ProblemKind
{
    TokenMissing,
    TokenMalformed,
    TokenExpired,
    TokenSignatureInvalid,
    TokenIssuerInvalid,
    TokenAudienceInvalid,
    TokenInvalid,
    ClientUnknown,
    ClientSuspended,
    AgencySuspended,
    NoGrant,
    MethodNotGranted,
    PurposeRequired,
    PurposeNotGranted,
    GrantNotInEffect,
    RouteNotFound,
    MethodNotAllowed,
    ServiceSuspended,
    ProviderUnavailable,
    ProviderError,
    ProviderTimeout,
    InvalidQuery,
    OperatorRoleRequired,
    QuotaExceeded,
    RateLimited,
    CapacityExceeded,
}
