using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Ndxp.Gateway.Identity;

/// <summary>
/// Certificate-bound access tokens (RFC 8705 section 3): a token carrying <c>cnf.x5t#S256</c> is accepted only on a
/// connection that presented that very certificate, so a stolen token is useless without the client's private key.
/// </summary>
public static class CertificateBinding
{
    public const string ConfirmationClaim = "cnf";
    public const string ThumbprintMember = "x5t#S256";

    /// <summary>base64url(SHA-256(DER)), as RFC 8705 defines <c>x5t#S256</c>.</summary>
    public static string Thumbprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Base64UrlEncoder.Encode(SHA256.HashData(certificate.RawData));
    }

    public static string Confirmation(string thumbprint) => JsonSerializer.Serialize(new Dictionary<string, string> { [ThumbprintMember] = thumbprint });

    /// <summary>True when the token is not bound, or is bound to the certificate this connection presented.</summary>
    public static bool IsSatisfied(ClaimsPrincipal principal, X509Certificate2? presented)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.FindFirst(ConfirmationClaim)?.Value is not { } confirmation)
        {
            return true;
        }

        string? bound;
        try
        {
            using var json = JsonDocument.Parse(confirmation);
            bound = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(ThumbprintMember, out var value) ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return false;
        }

        return bound is not null && presented is not null && string.Equals(Thumbprint(presented), bound, StringComparison.Ordinal);
    }
}
