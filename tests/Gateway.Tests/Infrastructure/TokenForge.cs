using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Ndxp.Gateway.Tests.Infrastructure;

/// <summary>Makes the tokens an attacker or a broken client would send, some signed with the gateway's real key.</summary>
internal sealed class TokenForge : IDisposable
{
    private readonly ECDsa _realKey = ECDsa.Create();
    private readonly string _kid;
    private readonly string _issuer;

    public TokenForge(GatewayFixture gateway)
        : this(gateway.DataDirectory, gateway.Issuer)
    {
    }

    public TokenForge(string dataDirectory, string issuer)
    {
        var file = Directory.GetFiles(Path.Combine(dataDirectory, "keys"), "*.pem").Single();
        _realKey.ImportFromPem(File.ReadAllText(file));
        _kid = Path.GetFileNameWithoutExtension(file);
        _issuer = issuer;
    }

    public string Kid => _kid;

    /// <summary>A token as the gateway would issue it, with any field overridden (lifetime: <c>nbf</c>, <c>iat</c>, <c>exp</c>).</summary>
    public string Signed(
        string clientId = "vcb-ekyc",
        string agency = "VCB",
        string? issuer = null,
        string audience = "ndxp-gateway",
        DateTime? expires = null,
        ECDsa? key = null,
        bool withAgency = true,
        string? kid = null,
        IDictionary<string, object>? headers = null,
        IDictionary<string, object>? extraClaims = null,
        DateTime? notBefore = null,
        DateTime? issuedAt = null)
    {
        var claims = TestJwt.ClientClaims(clientId, withAgency ? agency : null);
        foreach (var (name, value) in extraClaims ?? new Dictionary<string, object>())
        {
            claims[name] = value;
        }

        return TestJwt.Sign(key ?? _realKey, kid ?? _kid, issuer ?? _issuer, claims, audience, expires, headers, notBefore, issuedAt);
    }

    /// <summary>RS256 under the gateway's kid, signed with a key the gateway never had (algorithm/key confusion).</summary>
    public string Rs256UnderRealKid()
    {
        using var rsa = RSA.Create(2048);
        var now = DateTime.UtcNow;
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = "ndxp-gateway",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = TestJwt.ClientClaims("vcb-ekyc", "VCB"),
            SigningCredentials = TestJwt.Uncached(new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = _kid }, SecurityAlgorithms.RsaSha256)),
        });
    }

    /// <summary>The payload of a real token, re-sent with <c>alg: none</c> and no signature.</summary>
    public string Unsigned(string alg = "none") =>
        Encode(new { alg, typ = "JWT" }) + "." + Encode(Payload()) + ".";

    /// <summary>
    /// The key-confusion attack: HS256 with the gateway's public key (as published) used as the HMAC secret, hoping the
    /// server verifies with "whatever key it has".
    /// </summary>
    public string Hs256WithPublicKey() =>
        Hs256(new { alg = "HS256", typ = "JWT", kid = _kid }, JsonSerializer.Serialize(Payload()), Encoding.UTF8.GetBytes(_realKey.ExportSubjectPublicKeyInfoPem()));

    /// <summary>A JWS with any header, signed with HMAC-SHA256 under <paramref name="secret"/> (the key-confusion attack).</summary>
    public static string Hs256(object header, string payload, byte[] secret)
    {
        var signed = Encode(header) + "." + Base64UrlEncoder.Encode(payload);
        return signed + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signed)));
    }

    public void Dispose() => _realKey.Dispose();

    private Dictionary<string, object> Payload()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new Dictionary<string, object>
        {
            ["iss"] = _issuer, ["aud"] = "ndxp-gateway", ["sub"] = "vcb-ekyc", ["client_id"] = "vcb-ekyc", ["agency"] = "VCB",
            ["jti"] = Guid.NewGuid().ToString("N"), ["iat"] = now, ["nbf"] = now, ["exp"] = now + 300,
        };
    }

    private static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(value));
}
