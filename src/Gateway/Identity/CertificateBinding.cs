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
    public static bool IsSatisfied(ClaimsPrincipal principal, X509Certificate2? presented) => IsSatisfied(Of(principal), presented);

    public static bool IsSatisfied(Binding binding, X509Certificate2? presented) =>
        !binding.IsBound || (binding.Thumbprint is { } bound && presented is not null && string.Equals(Thumbprint(presented), bound, StringComparison.Ordinal));

    /// <summary>The certificate a token's <c>cnf</c> claim binds it to; bound to none that can match when the claim is malformed.</summary>
    public static Binding Of(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.FindFirst(ConfirmationClaim)?.Value is not { } confirmation)
        {
            return default;
        }

        try
        {
            using var json = JsonDocument.Parse(confirmation);
            return new Binding(true, json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(ThumbprintMember, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null);
        }
        catch (JsonException)
        {
            return new Binding(true, null);
        }
    }

    /// <summary>Whether a token is bound to a certificate, and the thumbprint it names (null: malformed, matches nothing).</summary>
    public readonly record struct Binding(bool IsBound, string? Thumbprint);
}
