using Ndxp.Gateway.ClientAuthentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Ndxp.Gateway.Admin;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Identity;

/// <summary>
/// OAuth 2.0 client credentials grant (RFC 6749 section 4.4) at <c>POST /connect/token</c>, with client_secret_basic,
/// client_secret_post, private_key_jwt (RFC 7523) and tls_client_auth (RFC 8705); <see cref="ClientAuthenticator"/>
/// checks the credentials. Errors use RFC 6749's own JSON shape (section 5.2), which OAuth client libraries parse,
/// rather than problem+json.
/// </summary>
internal static partial class TokenEndpoint
{
    public const string Path = "/connect/token";

    /// <summary>The smallest form limit: a secret, an id and the grant type fit many times over.</summary>
    private const int MinFormBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, IssueAsync).DisableAntiforgery().AllowAnonymous()
            .WithTags("token")
            .WithSummary("Get an access token for a client (OAuth 2.0 client credentials, RFC 6749 section 4.4)")
            .WithDescription("Authenticate with client_secret_basic (HTTP Basic), client_secret_post (client_id and client_secret in the form), "
                + "private_key_jwt (client_assertion, RFC 7523) or tls_client_auth (a registered certificate). Errors are RFC 6749's JSON "
                + "({\"error\", \"error_description\"}), which OAuth libraries parse.")
            .WithBody([("application/x-www-form-urlencoded", typeof(TokenRequestForm))])
            .Produces<TokenResponse>().Produces<TokenError>(StatusCodes.Status400BadRequest).Produces<TokenError>(StatusCodes.Status401Unauthorized)
            .Produces<TokenError>(StatusCodes.Status429TooManyRequests).Produces<TokenError>(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<IResult> IssueAsync(
        HttpContext context,
        RegistrySnapshotProvider snapshots,
        ClientAuthenticator authenticator,
        TokenIssuer issuer,
        Microsoft.Extensions.Options.IOptions<IdentityOptions> identity,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(TokenEndpoint));
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";

        // A locked-out address is turned away before its body is read.
        var address = SourceAddress.Of(context.Connection.RemoteIpAddress);
        if (await authenticator.AddressLockedOutAsync(address) is { } addressLockedOut)
        {
            return LockedOut(context, addressLockedOut.Lockout);
        }

        if (!context.Request.HasFormContentType)
        {
            return Error(400, "invalid_request", "The request must be application/x-www-form-urlencoded.");
        }

        // A token request is a few hundred bytes (an assertion up to Identity:MaxTokenBytes): nothing larger is read
        // before the client is authenticated, and a larger body is a clean 413, not an exception.
        var maxFormBytes = Math.Max(MinFormBytes, 2 * identity.Value.MaxTokenBytes);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = maxFormBytes;
        }

        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions
        {
            ValueCountLimit = 16,
            KeyLengthLimit = 64,
            ValueLengthLimit = maxFormBytes,
            BufferBody = false,
        }));
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return Error(400, "invalid_request", "The form body could not be read.");
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.ProblemResponses.Result(Problems.ProblemKind.RequestBodyTooLarge, $"A token request's form may hold at most {maxFormBytes} bytes.");
        }

        var certificate = await context.Connection.GetClientCertificateAsync(context.RequestAborted);
        if (PresentedCredentials.Read(context.Request, form, certificate is not null, out var credentialError) is not { } presented)
        {
            return Error(400, "invalid_request", credentialError!);
        }

        if (!PresentedCredentials.AtMostOnce(form, "grant_type", out var grantType) || grantType is null)
        {
            return Error(400, "invalid_request", "grant_type is required exactly once.");
        }

        if (grantType != "client_credentials")
        {
            return Error(400, "unsupported_grant_type", "Only the client_credentials grant is supported.");
        }

        var snapshot = snapshots.Current;
        var usedBasic = presented.Method == AuthenticationMethod.ClientSecretBasic;
        Client client;
        switch (await authenticator.AuthenticateAsync(presented, snapshot, address, certificate, context.RequestAborted))
        {
            case Authentication.Authenticated authenticated:
                client = authenticated.Client;
                break;
            case Authentication.LockedOut lockedOut:
                return LockedOut(context, lockedOut.Lockout);
            case Authentication.Busy:
                context.Response.Headers.RetryAfter = "1";
                return Error(503, "temporarily_unavailable", "The gateway cannot check client credentials now (at capacity); retry in a second.");
            case Authentication.Failed failed:
                return new InvalidClientResult(usedBasic, failed.Description);
            default:
                throw new System.Diagnostics.UnreachableException();
        }

        if (client.Status != EntityStatus.Active
            || !snapshot.Agencies.TryGetValue(client.Agency, out var agency) || agency.Status != EntityStatus.Active)
        {
            return Error(400, "unauthorized_client", "The client or its agency is suspended.");
        }

        // RFC 8705 section 3: a certificate presented over mutual TLS binds the token to it.
        var token = issuer.Issue(client, certificate is null ? null : CertificateBinding.Thumbprint(certificate));
        Log.TokenIssued(logger, client.Id, client.Agency);
        Observability.GatewayMetrics.TokensIssued.WithLabels(client.Id).Inc();
        return Results.Json(new TokenResponse(token, "Bearer", (int)issuer.Lifetime.TotalSeconds));
    }

    /// <summary>429 with Retry-After and an RFC 6749 error body: refused without looking at the credentials.</summary>
    private static IResult LockedOut(HttpContext context, Lockout lockout)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(lockout.RetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Error(429, "temporarily_unavailable",
            $"Too many failed client authentications {(lockout.Scope == LockoutScope.Client ? "for this client" : "from this address")}; retry after {seconds} s.");
    }

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new TokenError(error, description), statusCode: status);

    private sealed record TokenResponse(
        [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
        [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
        [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn);

    private sealed record TokenError(
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string Description);

    /// <summary>The token request's form fields, for the OpenAPI document only: the handler reads the form itself.</summary>
    private sealed record TokenRequestForm(
        [property: System.Text.Json.Serialization.JsonPropertyName("grant_type"), System.ComponentModel.Description("Always client_credentials.")] string GrantType,
        [property: System.Text.Json.Serialization.JsonPropertyName("client_id"), System.ComponentModel.Description("The client's id (client_secret_post; optional otherwise).")] string? ClientId,
        [property: System.Text.Json.Serialization.JsonPropertyName("client_secret"), System.ComponentModel.Description("The client's secret (client_secret_post).")] string? ClientSecret,
        [property: System.Text.Json.Serialization.JsonPropertyName("client_assertion_type"), System.ComponentModel.Description("urn:ietf:params:oauth:client-assertion-type:jwt-bearer (private_key_jwt).")] string? ClientAssertionType,
        [property: System.Text.Json.Serialization.JsonPropertyName("client_assertion"), System.ComponentModel.Description("A JWT signed with one of the client's registered keys (private_key_jwt).")] string? ClientAssertion,
        [property: System.Text.Json.Serialization.JsonPropertyName("scope"), System.ComponentModel.Description("Optional; space-separated.")] string? Scope);

    /// <summary>RFC 6749 section 5.2: 401 with a WWW-Authenticate matching the scheme the client used.</summary>
    private sealed class InvalidClientResult(bool usedBasic, string description) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[HeaderNames.WWWAuthenticate] = usedBasic
                ? "Basic realm=\"ndxp-gateway\", charset=\"UTF-8\""
                : "Bearer realm=\"ndxp-gateway\"";
            return Error(401, "invalid_client", description).ExecuteAsync(httpContext);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Token issued to client {ClientId} of agency {Agency}")]
        public static partial void TokenIssued(ILogger logger, string clientId, string agency);
    }
}
