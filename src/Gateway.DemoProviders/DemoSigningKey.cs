using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Ndxp.Gateway.DemoProviders.CitizenIdentity;

/// <summary>
/// DEMO ONLY: the stand-in identity provider's ES256 key, made in memory at start and gone with the process, so a
/// restart invalidates every token it issued.
/// </summary>
internal sealed class DemoCitizenSigningKey : IDisposable
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    private readonly ECDsa _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public DemoCitizenSigningKey()
    {
        var key = new ECDsaSecurityKey(_ecdsa) { KeyId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)) };
        Credentials = new SigningCredentials(key, Algorithm);
    }

    public SigningCredentials Credentials { get; }

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
            ["kid"] = Credentials.Kid,
            ["use"] = "sig",
            ["alg"] = Algorithm,
        };
    }

    public void Dispose() => _ecdsa.Dispose();
}
