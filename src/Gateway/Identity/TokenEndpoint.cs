using System.Text;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Identity;

/// <summary>
/// OAuth 2.0 client credentials grant (RFC 6749 section 4.4) at <c>POST /connect/token</c>, with client_secret_basic
/// and client_secret_post. Errors use RFC 6749's own JSON shape (section 5.2), which OAuth client libraries parse,
/// rather than problem+json.
/// </summary>
internal static partial class TokenEndpoint
{
    public const string Path = "/connect/token";

    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, IssueAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> IssueAsync(HttpContext context, RegistrySnapshotProvider snapshots, TokenIssuer issuer, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(TokenEndpoint));
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";

        if (!context.Request.HasFormContentType)
        {
            return Error(400, "invalid_request", "The request must be application/x-www-form-urlencoded.");
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return Error(400, "invalid_request", "The form body could not be read.");
        }

        var credentials = ReadCredentials(context.Request, form);
        if (credentials.Error is { } credentialError)
        {
            return Error(400, "invalid_request", credentialError);
        }

        if (!Single(form, "grant_type", out var grantType))
        {
            return Error(400, "invalid_request", "grant_type is required exactly once.");
        }

        if (grantType != "client_credentials")
        {
            return Error(400, "unsupported_grant_type", "Only the client_credentials grant is supported.");
        }

        if (credentials.ClientId is null || credentials.Secret is null)
        {
            return new InvalidClientResult(credentials.UsedBasic, "Client authentication is required.");
        }

        var snapshot = snapshots.Current;
        var client = snapshot.Clients.GetValueOrDefault(credentials.ClientId);

        // Verify even for unknown clients (against a dummy hash) so timing does not reveal which client ids exist.
        var secretMatches = ClientSecretHasher.Verify(credentials.Secret, client?.SecretHash)
            || (client is { PreviousSecretHash: { } previous, PreviousSecretValidUntil: { } until }
                && time.GetUtcNow() < until
                && ClientSecretHasher.Verify(credentials.Secret, previous));
        if (client is null || !secretMatches)
        {
            Log.ClientAuthenticationFailed(logger, client is null ? "unknown-client" : "wrong-secret");
            Observability.GatewayMetrics.AuthenticationFailures.WithLabels("invalid_client").Inc();
            return new InvalidClientResult(credentials.UsedBasic, "Client authentication failed.");
        }

        if (client.Status != EntityStatus.Active
            || !snapshot.Agencies.TryGetValue(client.Agency, out var agency) || agency.Status != EntityStatus.Active)
        {
            return Error(400, "unauthorized_client", "The client or its agency is suspended.");
        }

        // RFC 8705: a certificate presented over mutual TLS binds the token to it; a client registered with a
        // thumbprint must present exactly that certificate.
        var certificate = await context.Connection.GetClientCertificateAsync(context.RequestAborted);
        var thumbprint = certificate is null ? null : CertificateBinding.Thumbprint(certificate);
        if (client.CertificateThumbprint is { } required && !string.Equals(required, thumbprint, StringComparison.Ordinal))
        {
            Log.ClientAuthenticationFailed(logger, "certificate-required");
            return new InvalidClientResult(credentials.UsedBasic, "This client must present its registered certificate over mutual TLS.");
        }

        var token = issuer.Issue(client, thumbprint);
        Log.TokenIssued(logger, client.Id, client.Agency);
        Observability.GatewayMetrics.TokensIssued.WithLabels(client.Id).Inc();
        return Results.Json(new TokenResponse(token, "Bearer", (int)issuer.Lifetime.TotalSeconds));
    }

    private static Credentials ReadCredentials(HttpRequest request, IFormCollection form)
    {
        var hasPostId = form.TryGetValue("client_id", out var postId);
        var hasPostSecret = form.TryGetValue("client_secret", out var postSecret);
        var authorization = request.Headers.Authorization.ToString();
        var usedBasic = authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);

        if (usedBasic)
        {
            // RFC 6749 section 2.3: a client must not use more than one authentication method per request.
            if (hasPostSecret)
            {
                return new(null, null, UsedBasic: true, "Use either HTTP Basic or client_secret in the body, not both.");
            }

            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                return new(null, null, UsedBasic: true, "The Basic credentials are not valid base64.");
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return new(null, null, UsedBasic: true, "The Basic credentials must be client_id:client_secret.");
            }

            // RFC 6749 section 2.3.1: both parts are form-urlencoded before being joined.
            var id = FormDecode(decoded[..colon]);
            if (hasPostId && postId.ToString() != id)
            {
                return new(null, null, UsedBasic: true, "client_id in the body differs from the Basic credentials.");
            }

            return new(id, FormDecode(decoded[(colon + 1)..]), UsedBasic: true, null);
        }

        if ((hasPostId && postId.Count != 1) || (hasPostSecret && postSecret.Count != 1))
        {
            return new(null, null, UsedBasic: false, "client_id and client_secret may appear only once.");
        }

        return new(hasPostId ? postId.ToString() : null, hasPostSecret ? postSecret.ToString() : null, UsedBasic: false, null);
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    private static bool Single(IFormCollection form, string name, out string value)
    {
        var found = form.TryGetValue(name, out StringValues values) && values.Count == 1;
        value = found ? values.ToString() : "";
        return found;
    }

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new TokenError(error, description), statusCode: status);

    private sealed record Credentials(string? ClientId, string? Secret, bool UsedBasic, string? Error);

    private sealed record TokenResponse(
        [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
        [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
        [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn);

    private sealed record TokenError(
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string Description);

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

        [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Client authentication failed at the token endpoint: {Reason}")]
        public static partial void ClientAuthenticationFailed(ILogger logger, string reason);
    }
}
