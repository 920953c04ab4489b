using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ndxp.Gateway.DemoProviders;

/// <summary>
/// DEMO ONLY: a stand-in identity provider's issuer and ES256 key, which signs its tokens. The key is made in memory at
/// start and gone with the process, so a restart invalidates every token it issued.
/// </summary>
internal sealed class DemoTokenSigner : IDisposable
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    private readonly ECDsa _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials;
    private readonly TimeProvider _timeProvider;

    public DemoTokenSigner(string issuer, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Issuer = issuer;
        _timeProvider = timeProvider;
        var key = new ECDsaSecurityKey(_ecdsa) { KeyId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)) };
        _credentials = new SigningCredentials(key, Algorithm);
    }

    public string Issuer { get; }

    /// <summary>A JWT from this issuer for <paramref name="audience"/>, valid from now for <paramref name="lifetime"/>,
    /// with <paramref name="claims"/>, a <c>kid</c> header and <paramref name="type"/> as its <c>typ</c>.</summary>
    public string Sign(string audience, TimeSpan lifetime, Dictionary<string, object> claims, string type = JwtConstants.HeaderType)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            TokenType = type,
            SigningCredentials = _credentials,
            Claims = claims,
        });
    }

    /// <summary>The public half as a JSON Web Key (RFC 7517 section 4, RFC 7518 section 6.2).</summary>
    public Dictionary<string, string> PublicJwk()
    {
        var point = _ecdsa.ExportParameters(includePrivateParameters: false).Q;
        return new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(point.X),
            ["y"] = Base64UrlEncoder.Encode(point.Y),
            ["kid"] = _credentials.Kid,
            ["use"] = "sig",
            ["alg"] = Algorithm,
        };
    }

    public void Dispose() => _ecdsa.Dispose();
}
