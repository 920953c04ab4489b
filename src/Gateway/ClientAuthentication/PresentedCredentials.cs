using System.Text;
using Microsoft.Extensions.Primitives;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>The client authentication methods of the token endpoint, by their registered names (RFC 7591, RFC 8705).</summary>
internal enum AuthenticationMethod
{
    None,
    ClientSecretBasic,
    ClientSecretPost,
    PrivateKeyJwt,
    TlsClientAuth,
}

/// <summary>What a token request presents to authenticate its client, read but not yet checked.</summary>
internal sealed record PresentedCredentials(AuthenticationMethod Method, string? ClientId, string? Secret = null, string? Assertion = null)
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static string Name(AuthenticationMethod method) => method switch
    {
        AuthenticationMethod.ClientSecretBasic => "client_secret_basic",
        AuthenticationMethod.ClientSecretPost => "client_secret_post",
        AuthenticationMethod.PrivateKeyJwt => "private_key_jwt",
        AuthenticationMethod.TlsClientAuth => "tls_client_auth",
        _ => "none",
    };

    /// <summary>
    /// Reads the one method the request uses; a request that mixes methods or repeats a parameter is refused
    /// (RFC 6749 section 2.3: a client must not use more than one authentication method per request).
    /// </summary>
    /// <param name="request">The token request, for its Authorization header.</param>
    /// <param name="form">Its form body.</param>
    /// <param name="hasCertificate">Whether the connection presented a client certificate (mutual TLS).</param>
    /// <param name="error">Why the request is malformed (invalid_request), when it is.</param>
    public static PresentedCredentials? Read(HttpRequest request, IFormCollection form, bool hasCertificate, out string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(form);
        error = null;
        if (!AtMostOnce(form, "client_id", out var postId) || !AtMostOnce(form, "client_secret", out var postSecret)
            || !AtMostOnce(form, "client_assertion", out var assertion) || !AtMostOnce(form, "client_assertion_type", out var assertionType))
        {
            error = "client_id, client_secret, client_assertion and client_assertion_type may appear only once.";
            return null;
        }

        var authorization = request.Headers.Authorization.ToString();
        var usedBasic = authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
        var methods = (usedBasic ? 1 : 0) + (postSecret is null ? 0 : 1) + (assertion is null && assertionType is null ? 0 : 1);
        if (methods > 1)
        {
            error = "Use one client authentication method: HTTP Basic, client_secret in the body, or a client assertion.";
            return null;
        }

        if (usedBasic)
        {
            return ReadBasic(authorization["Basic ".Length..].Trim(), postId, out error);
        }

        if (assertion is not null || assertionType is not null)
        {
            if (assertionType != AssertionType || string.IsNullOrEmpty(assertion))
            {
                error = $"A client assertion needs client_assertion_type {AssertionType} and a client_assertion.";
                return null;
            }

            return new(AuthenticationMethod.PrivateKeyJwt, postId, Assertion: assertion);
        }

        if (postSecret is not null)
        {
            return new(AuthenticationMethod.ClientSecretPost, postId, Secret: postSecret);
        }

        // RFC 8705 section 2: with mutual TLS the client names itself and the certificate is its credential.
        return new(hasCertificate && postId is not null ? AuthenticationMethod.TlsClientAuth : AuthenticationMethod.None, postId);
    }

    private static PresentedCredentials? ReadBasic(string encoded, string? postId, out string? error)
    {
        error = null;
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            error = "The Basic credentials are not valid base64.";
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            error = "The Basic credentials must be client_id:client_secret.";
            return null;
        }

        // RFC 6749 section 2.3.1: both parts are form-urlencoded before being joined.
        var id = FormDecode(decoded[..colon]);
        if (postId is not null && postId != id)
        {
            error = "client_id in the body differs from the Basic credentials.";
            return null;
        }

        return new(AuthenticationMethod.ClientSecretBasic, id, Secret: FormDecode(decoded[(colon + 1)..]));
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    /// <summary>Reads a form parameter that may appear at most once: false when repeated, else its value (null when absent).</summary>
    internal static bool AtMostOnce(IFormCollection form, string name, out string? value)
    {
        value = null;
        if (!form.TryGetValue(name, out StringValues values))
        {
            return true;
        }

        value = values.ToString();
        return values.Count == 1;
    }
}
