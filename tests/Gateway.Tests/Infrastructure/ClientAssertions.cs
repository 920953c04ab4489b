using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>Client assertions (private_key_jwt, RFC 7523) as a client or an attacker would sign them, and the JWKs a client registers.</summary>
internal static class ClientAssertions
{
    /// <summary>
    /// An assertion of <paramref name="clientId"/> for <paramref name="audience"/>, issued at <paramref name="now"/> (the
    /// real clock when null) and living a minute, with a new jti; <paramref name="claims"/> override any claim, and a
    /// null value removes it. RS256 for an RSA key, ES256 for an EC key, unless <paramref name="algorithm"/> says otherwise.
    /// </summary>
    public static string Sign(
        AsymmetricAlgorithm key,
        string? kid,
        string clientId,
        string audience,
        DateTimeOffset? now = null,
        IDictionary<string, object?>? claims = null,
        string? algorithm = null)
    {
        SecurityKey securityKey = key is RSA rsa ? new RsaSecurityKey(rsa) { KeyId = kid } : new ECDsaSecurityKey((ECDsa)key) { KeyId = kid };
        var credentials = TestJwt.Uncached(new SigningCredentials(securityKey, algorithm ?? (key is RSA ? SecurityAlgorithms.RsaSha256 : SecurityAlgorithms.EcdsaSha256)));
        return new JsonWebTokenHandler().CreateToken(Payload(clientId, audience, now, claims), credentials);
    }

    /// <summary>The claims an assertion carries, as JSON, for tests that sign or leave it unsigned themselves.</summary>
    public static string Payload(string clientId, string audience, DateTimeOffset? now = null, IDictionary<string, object?>? claims = null)
    {
        var issued = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var payload = new Dictionary<string, object?>
        {
            ["iss"] = clientId, ["sub"] = clientId, ["aud"] = audience, ["jti"] = Guid.NewGuid().ToString("N"), ["iat"] = issued, ["exp"] = issued + 60,
        };
        foreach (var (name, value) in claims ?? new Dictionary<string, object?>())
        {
            payload[name] = value;
        }

        return JsonSerializer.Serialize(payload.Where(c => c.Value is not null).ToDictionary());
    }

    /// <summary>The private_key_jwt failures for one reason that a gateway's <c>/metrics</c> has counted.</summary>
    public static Task<double> FailuresAsync(HttpClient admin, string reason) =>
        MetricsText.ValueAsync(admin, "ndxp_gateway_client_authentication_failures_total", ("method", "private_key_jwt"), ("reason", reason));

    /// <summary>The public JWK of <paramref name="key"/>, as a client registers it; with its private members when asked (to be refused).</summary>
    public static string Jwk(AsymmetricAlgorithm key, string? kid = null, bool withPrivateParts = false)
    {
        var jwk = new Dictionary<string, string>();
        if (kid is not null)
        {
            jwk["kid"] = kid;
        }

        if (key is RSA rsa)
        {
            var p = rsa.ExportParameters(withPrivateParts);
            jwk["kty"] = "RSA";
            jwk["n"] = Base64UrlEncoder.Encode(p.Modulus);
            jwk["e"] = Base64UrlEncoder.Encode(p.Exponent);
            if (withPrivateParts)
            {
                jwk["d"] = Base64UrlEncoder.Encode(p.D);
                jwk["p"] = Base64UrlEncoder.Encode(p.P);
                jwk["q"] = Base64UrlEncoder.Encode(p.Q);
            }
        }
        else
        {
            var p = ((ECDsa)key).ExportParameters(withPrivateParts);
            jwk["kty"] = "EC";
            jwk["crv"] = p.Curve.Oid.Value switch { "1.3.132.0.34" => "P-384", "1.3.132.0.35" => "P-521", _ => "P-256" };
            jwk["x"] = Base64UrlEncoder.Encode(p.Q.X);
            jwk["y"] = Base64UrlEncoder.Encode(p.Q.Y);
            if (withPrivateParts)
            {
                jwk["d"] = Base64UrlEncoder.Encode(p.D);
            }
        }

        return JsonSerializer.Serialize(jwk);
    }

    /// <summary>The registry's record of an EC public key, as the admin API would store it.</summary>
    public static Ndxp.Gateway.Registry.ClientKey RegistryKey(ECDsa key, string kid)
    {
        ArgumentNullException.ThrowIfNull(key);
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        return new Ndxp.Gateway.Registry.ClientKey { Kid = kid, Kty = "EC", Crv = "P-256", X = Base64UrlEncoder.Encode(point.X), Y = Base64UrlEncoder.Encode(point.Y) };
    }
}
