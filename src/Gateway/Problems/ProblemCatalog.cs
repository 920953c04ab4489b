using System.Collections.Frozen;

namespace Ndxp.Gateway.Problems;

/// <summary>
/// The one table from which the problem body (RFC 9457), the status code and the outcome of every refusal and
/// failure are read. The <c>type</c> URIs are part of the public contract: clients branch on them, so they never change.
/// </summary>
public static class ProblemCatalog
{
    public const string TypePrefix = "urn:ndxp:problem:";

    private static readonly FrozenDictionary<ProblemKind, ProblemDescriptor> Descriptors = new Dictionary<ProblemKind, ProblemDescriptor>
    {
        [ProblemKind.TokenMissing] = new(401, "token-missing", "A bearer token is required", Outcome.Unauthorized),
        [ProblemKind.TokenMalformed] = new(401, "token-malformed", "The bearer token is not a well-formed JWT", Outcome.Unauthorized),
        [ProblemKind.TokenExpired] = new(401, "token-expired", "The bearer token has expired", Outcome.Unauthorized),
        [ProblemKind.TokenSignatureInvalid] = new(401, "token-signature-invalid", "The bearer token's signature or algorithm is not accepted", Outcome.Unauthorized),
        [ProblemKind.TokenIssuerInvalid] = new(401, "token-issuer-invalid", "The bearer token was not issued by a trusted issuer", Outcome.Unauthorized),
        [ProblemKind.TokenAudienceInvalid] = new(401, "token-audience-invalid", "The bearer token is not meant for this gateway", Outcome.Unauthorized),
        [ProblemKind.TokenInvalid] = new(401, "token-invalid", "The bearer token is not valid", Outcome.Unauthorized),
        [ProblemKind.ClientUnknown] = new(401, "client-unknown", "The token's client is not registered", Outcome.Unauthorized),
        // 401, not 403: a suspended client's tokens are no longer credentials (checked on every call, not at issuance).
        [ProblemKind.ClientSuspended] = new(401, "client-suspended", "The calling client is suspended", Outcome.Unauthorized),
        [ProblemKind.AgencySuspended] = new(403, "agency-suspended", "The calling agency is suspended", Outcome.Forbidden),
        [ProblemKind.NoGrant] = new(403, "no-grant", "The calling agency holds no grant for this service", Outcome.Forbidden),
        [ProblemKind.MethodNotGranted] = new(403, "method-not-granted", "The grant does not cover this method", Outcome.Forbidden),
        [ProblemKind.PurposeRequired] = new(403, "purpose-required", "This service carries personal data: declare the purpose of use in X-Purpose", Outcome.Forbidden),
        [ProblemKind.PurposeNotGranted] = new(403, "purpose-not-granted", "The declared purpose is not covered by the grant", Outcome.Forbidden),
        [ProblemKind.GrantNotInEffect] = new(403, "grant-not-in-effect", "The grant is suspended or outside its validity window", Outcome.Forbidden),
        [ProblemKind.RouteNotFound] = new(404, "route-not-found", "No service is registered at this path", Outcome.ClientError),
        [ProblemKind.MethodNotAllowed] = new(405, "method-not-allowed", "The service does not offer this method", Outcome.ClientError),
        [ProblemKind.ServiceSuspended] = new(503, "service-suspended", "The service or its provider is suspended", Outcome.UpstreamError),
        [ProblemKind.ProviderUnavailable] = new(503, "provider-unavailable", "No healthy instance of the provider is available", Outcome.UpstreamError),
        [ProblemKind.ProviderError] = new(502, "provider-error", "The provider could not be reached or answered badly", Outcome.UpstreamError),
        [ProblemKind.ProviderTimeout] = new(504, "provider-timeout", "The provider did not answer in time", Outcome.Timeout),
        [ProblemKind.InvalidQuery] = new(400, "invalid-query", "A query parameter is missing or malformed", Outcome.ClientError),
        [ProblemKind.OperatorRoleRequired] = new(403, "operator-role-required", "This endpoint is for platform operators only", Outcome.Forbidden),
        [ProblemKind.QuotaExceeded] = new(429, "quota-exceeded", "The grant's quota for this period is used up", Outcome.QuotaExceeded),
        [ProblemKind.RateLimited] = new(429, "rate-limited", "Too many calls: the grant's rate limit is reached", Outcome.RateLimited),
        [ProblemKind.CapacityExceeded] = new(503, "capacity-exceeded", "The provider's capacity is fully used by all consumers together", Outcome.RateLimited),
        [ProblemKind.TokenTooLarge] = new(401, "token-too-large", "The bearer token is larger than this gateway accepts", Outcome.Unauthorized),
        [ProblemKind.TokenHeaderForbidden] = new(401, "token-header-forbidden", "The bearer token's header names keys by URL or embeds them, or has a malformed kid", Outcome.Unauthorized),
        [ProblemKind.TokenRevoked] = new(401, "token-revoked", "The bearer token has been revoked", Outcome.Unauthorized),
        [ProblemKind.PathNotCanonical] = new(400, "path-not-canonical", "The request path is not in canonical form", Outcome.ClientError),
        [ProblemKind.RequestFramingInvalid] = new(400, "request-framing-invalid", "The request has both Content-Length and Transfer-Encoding", Outcome.ClientError),
        [ProblemKind.RequestBodyTooLarge] = new(413, "request-body-too-large", "The request body is larger than this service accepts", Outcome.ClientError),
        [ProblemKind.RequestHeadersTooLarge] = new(431, "request-headers-too-large", "The request headers are larger than this service accepts", Outcome.ClientError),
        [ProblemKind.TokenCertificateMismatch] = new(401, "token-certificate-mismatch", "The bearer token is bound to a client certificate this connection did not present", Outcome.Unauthorized),
        [ProblemKind.InvalidBody] = new(400, "invalid-body", "The request body is not valid JSON of the expected shape", Outcome.ClientError),
        [ProblemKind.UnsupportedMediaType] = new(415, "unsupported-media-type", "The request body must be application/json", Outcome.ClientError),
        [ProblemKind.RegistryInvalid] = new(422, "registry-invalid", "The change would leave the registry invalid", Outcome.ClientError),
        [ProblemKind.EntityNotFound] = new(404, "entity-not-found", "No such entity in the registry", Outcome.ClientError),
        [ProblemKind.EntityExists] = new(409, "entity-exists", "An entity with this id already exists", Outcome.ClientError),
        [ProblemKind.PreconditionFailed] = new(412, "precondition-failed", "The entity changed since it was read (stale If-Match)", Outcome.ClientError),
        [ProblemKind.PreconditionRequired] = new(428, "precondition-required", "This change needs an If-Match header with the entity's ETag (or *)", Outcome.ClientError),
        [ProblemKind.PurposeInvalid] = new(400, "purpose-invalid", "X-Purpose must be a purpose code: 1-64 letters, digits, '.', '_', ':' or '-'", Outcome.ClientError),
        [ProblemKind.HeaderNameInvalid] = new(400, "header-name-invalid", "A request header name contains an underscore", Outcome.ClientError),
        [ProblemKind.EndpointBusy] = new(503, "endpoint-busy", "This endpoint is answering as many requests as it takes at once; retry after Retry-After", Outcome.RateLimited),
        [ProblemKind.ClientKeyInvalid] = new(400, "client-key-invalid", "The key is not a public key the gateway accepts for client assertions", Outcome.ClientError),
        [ProblemKind.RequestMalformed] = new(400, "request-malformed", "The request is not well-formed HTTP (its body ended early or broke its framing)", Outcome.ClientError),
        [ProblemKind.InternalError] = new(500, "internal-error", "The gateway failed to handle the call; quote the transaction id to the platform operator", Outcome.GatewayError),
        [ProblemKind.BodyNotAllowed] = new(400, "body-not-allowed", "A request with this method carries no body through the gateway (GET, HEAD, DELETE, OPTIONS, TRACE)", Outcome.ClientError),
        [ProblemKind.RefusalBudgetExceeded] = new(429, "refusal-budget-exceeded", "This client's calls were refused too often: its calls are refused until Retry-After", Outcome.RateLimited),
        // 400 like a malformed call, not 403: no grant can open a tunnel the service does not declare.
        [ProblemKind.UpgradeNotAllowed] = new(400, "upgrade-not-allowed", "The service does not accept this protocol upgrade", Outcome.ClientError),
        [ProblemKind.CitizenTokenRequired] = new(403, "citizen-token-required", "An access trail is shown only to the person it concerns, signed in through a citizen identity provider", Outcome.Forbidden),
        // Separation of duties: the operator role does not open a person's trail.
        [ProblemKind.AuditorRoleRequired] = new(403, "auditor-role-required", "Searching a person's access trail is for auditors only", Outcome.Forbidden),
        [ProblemKind.ApproverRoleRequired] = new(403, "approver-role-required", "Access requests to a service are decided first by an approver of its provider agency", Outcome.Forbidden),
        [ProblemKind.AccessRequestNotPending] = new(409, "access-request-not-pending", "The access request is not awaiting this decision", Outcome.ClientError),
        [ProblemKind.SecondApproverRequired] = new(409, "second-approver-required", "The platform's approval must come from someone other than the provider's approver", Outcome.ClientError),
    }.ToFrozenDictionary();

    public static ProblemDescriptor Describe(ProblemKind kind) => Descriptors[kind];

    public static IEnumerable<KeyValuePair<ProblemKind, ProblemDescriptor>> All => Descriptors;
}

/// <summary>Status, stable type and title of one <see cref="ProblemKind"/>.</summary>
public sealed record ProblemDescriptor(int Status, string Slug, string Title, Outcome Outcome)
{
    public string Type { get; } = ProblemCatalog.TypePrefix + Slug;
}
