using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Ndxp.Gateway.DemoProviders.StaffIdentity;

/// <summary>
/// DEMO ONLY: the token endpoint for the authorization code grant (RFC 6749 section 4.1.3, RFC 7636 section 4.5).
/// Its errors are OAuth's JSON errors (RFC 6749 section 5.2), not problem documents: that is what the OpenID Connect
/// handler parses and reports.
/// </summary>
internal static partial class DemoStaffTokenEndpoint
{
    /// <summary>A code, a verifier, a redirect URI and a client's credentials fit in well under a kilobyte.</summary>
    private const long MaxFormBytes = 4 * 1024;

    private const string Realm = "Basic realm=\"ndxp-demo-staff\"";

    public static async Task<IResult> RedeemAsync(HttpContext context, DemoStaffCodeStore codes, DemoStaffTokenIssuer issuer)
    {
        // RFC 6749 section 5.1: neither a token nor an error about one is cached.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        var (form, unread) = await DemoForm.ReadAsync(context, MaxFormBytes);
        if (form is null)
        {
            return Error("invalid_request", $"A token request is a {DemoForm.MediaType} form of at most {MaxFormBytes} bytes (HTTP {unread}).");
        }

        // RFC 6749 section 3.2: a parameter is sent at most once.
        if (form.FirstOrDefault(field => field.Value.Count > 1) is { Key: { } repeated })
        {
            return Error("invalid_request", $"{repeated} is given more than once.");
        }

        if (Authenticate(context.Request, form) is not { } client)
        {
            return InvalidClient(context);
        }

        var grantType = form["grant_type"].ToString();
        if (grantType != "authorization_code")
        {
            return grantType.Length == 0
                ? Error("invalid_request", "grant_type is missing.")
                : Error("unsupported_grant_type", "grant_type is authorization_code.");
        }

        if (form["code"].ToString() is not { Length: > 0 } code)
        {
            return Error("invalid_request", "code is missing.");
        }

        // From here the code is used up, whether or not the rest holds (RFC 6749 section 4.1.2: at most once).
        if (codes.Redeem(code) is not { } grant)
        {
            return Error("invalid_grant", "The code is unknown, already used or expired.");
        }

        var problem =
            grant.Request.Client != client ? "The code was issued to another client."
            : form["redirect_uri"].ToString() != grant.Request.RedirectUri ? "redirect_uri is not the one the code was issued for."
            : !VerifierMatches(form["code_verifier"].ToString(), grant.Request.CodeChallenge) ? "code_verifier does not match the code_challenge."
            : null;
        if (problem is not null)
        {
            return Error("invalid_grant", problem);
        }

        return Results.Json(new TokenAnswer(
            issuer.AccessToken(grant), "Bearer", (int)DemoStaffTokenIssuer.Lifetime.TotalSeconds, issuer.IdToken(grant), Demo: true));
    }

    /// <summary>
    /// The client, by client_secret_basic (RFC 6749 section 2.3.1, whose id and secret are form-encoded before Base64)
    /// or client_secret_post, and never by both at once (section 2.3).
    /// </summary>
    private static DemoStaffClient? Authenticate(HttpRequest request, IFormCollection form)
    {
        string clientId;
        string secret;
        if (request.Headers.Authorization.Count > 0)
        {
            if (form.ContainsKey("client_secret") || !TryReadBasic(request.Headers.Authorization.ToString(), out clientId, out secret)
                || (form.ContainsKey("client_id") && form["client_id"] != clientId))
            {
                return null;
            }
        }
        else
        {
            clientId = form["client_id"].ToString();
            secret = form["client_secret"].ToString();
        }

        return DemoStaffClients.Find(clientId) is { } client && DemoSecret.Matches(secret, client.Secret) ? client : null;
    }

    private static bool TryReadBasic(string header, out string clientId, out string secret)
    {
        clientId = secret = "";
        if (!AuthenticationHeaderValue.TryParse(header, out var basic)
            || !basic.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
            || basic.Parameter is null || !Base64.IsValid(basic.Parameter))
        {
            return false;
        }

        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic.Parameter));
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        clientId = WebUtility.UrlDecode(pair[..colon]);
        secret = WebUtility.UrlDecode(pair[(colon + 1)..]);
        return true;
    }

    /// <summary>RFC 7636 section 4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge, for a verifier of section 4.1's form.</summary>
    private static bool VerifierMatches(string verifier, string challenge) =>
        VerifierPattern().IsMatch(verifier)
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))),
            Encoding.ASCII.GetBytes(challenge));

    /// <summary>RFC 6749 section 5.2: a client that failed to authenticate gets 401 and a challenge for the scheme it may use.</summary>
    private static IResult InvalidClient(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = Realm;
        return Error("invalid_client", "Unknown client, wrong secret, or more than one way of authenticating.", StatusCodes.Status401Unauthorized);
    }

    private static IResult Error(string error, string description, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new OAuthError(error, description), statusCode: status);

    [GeneratedRegex("^[A-Za-z0-9._~-]{43,128}$")]
    private static partial Regex VerifierPattern();

    private sealed record OAuthError(
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("error_description")] string Description);

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("expires_in")] int ExpiresIn,
        [property: JsonPropertyName("id_token")] string IdToken,
        [property: JsonPropertyName("demo")] bool Demo);
}
