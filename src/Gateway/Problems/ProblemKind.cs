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
    InvalidBody,
    UnsupportedMediaType,
    RegistryInvalid,
    EntityNotFound,
    EntityExists,
    PreconditionFailed,
    PreconditionRequired,
    TokenTooLarge,
    TokenHeaderForbidden,
    TokenRevoked,
    PathNotCanonical,
    RequestFramingInvalid,
    RequestBodyTooLarge,
    RequestHeadersTooLarge,
    TokenCertificateMismatch,
    ClientKeyInvalid,
    HeaderNameInvalid,
    PurposeInvalid,

    /// <summary>Kestrel refused the request as malformed (broken framing or body) after the pipeline began.</summary>
    RequestMalformed,

    /// <summary>A failure inside the gateway itself: a bug, logged with its stack trace.</summary>
    InternalError,

    /// <summary>A request body on a method that takes none.</summary>
    BodyNotAllowed,

    /// <summary>The client was refused too often: its calls are refused at once for a while.</summary>
    RefusalBudgetExceeded,

    UpgradeNotAllowed,

    EndpointBusy,

    /// <summary>An access trail is read only with a token of a citizen identity provider, for the person it names.</summary>
    CitizenTokenRequired,

    AuditorRoleRequired,

    /// <summary>An access request to a service is decided first by an approver of the service's provider agency.</summary>
    ApproverRoleRequired,

    /// <summary>The access request is decided, expired, or waiting for the other approver.</summary>
    AccessRequestNotPending,

    /// <summary>Two pairs of eyes: the platform's approval comes from someone other than the provider's approver.</summary>
    SecondApproverRequired,
}
