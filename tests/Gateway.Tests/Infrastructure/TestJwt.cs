using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>Signs an ES256 token with any key, issuer and claims: the tests' stand-in for an issuer.</summary>
internal static class TestJwt
{
    public static string Sign(
        ECDsa key,
        string kid,
        string issuer,
        IDictionary<string, object> claims,
        string audience = "ndxp-gateway",
        DateTime? expires = null,
        IDictionary<string, object>? headers = null,
        DateTime? notBefore = null,
        DateTime? issuedAt = null)
    {
        var exp = expires ?? DateTime.UtcNow.AddMinutes(5);
        var nbf = notBefore ?? (exp < DateTime.UtcNow ? exp.AddMinutes(-10) : DateTime.UtcNow.AddSeconds(-1));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt ?? nbf,
            NotBefore = nbf,
            Expires = exp,
            Claims = claims,
            SigningCredentials = Uncached(new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256)),
            AdditionalHeaderClaims = headers,
        });
    }

    /// <summary>
    /// Credentials whose signer is not cached: Microsoft.IdentityModel caches signature providers by key id, and the
    /// tests sign with many short-lived keys under the same kid (a disposed key would otherwise be reused).
    /// </summary>
    public static SigningCredentials Uncached(SigningCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        credentials.CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false };
        return credentials;
    }

    /// <summary>The claims of a gateway-issued token for a client.</summary>
    public static Dictionary<string, object> ClientClaims(string clientId, string? agency)
    {
        var claims = new Dictionary<string, object> { ["sub"] = clientId, ["client_id"] = clientId, ["jti"] = Guid.NewGuid().ToString("N") };
        if (agency is not null)
        {
            claims["agency"] = agency;
        }

        return claims;
    }
}
