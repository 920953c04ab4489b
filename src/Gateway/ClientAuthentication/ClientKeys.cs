using System.Buffers.Text;
using System.Collections.Frozen;
using System.Numerics;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Ndxp.Gateway.Identity;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>
/// What makes a <see cref="ClientKey"/> acceptable, which assertion algorithms it can verify, and its runtime form.
/// Asymmetric keys only: a symmetric or published key must never verify an assertion.
/// </summary>
internal static class ClientKeys
{
    public const int MaxPerClient = 5;
    public const int MinRsaBits = 2048;

    // Verification cost grows with the modulus: keys beyond this buy no security a national PKI asks for.
    public const int MaxRsaBits = 8192;

    /// <summary>The algorithms a client assertion may be signed with: the gateway's own asymmetric list.</summary>
    public static IReadOnlyList<string> Algorithms => GatewayIdentityServiceCollectionExtensions.AcceptedAlgorithms;

    private static readonly FrozenDictionary<string, ECCurve> Curves = new Dictionary<string, ECCurve>(StringComparer.Ordinal)
    {
        ["P-256"] = ECCurve.NamedCurves.nistP256,
        ["P-384"] = ECCurve.NamedCurves.nistP384,
        ["P-521"] = ECCurve.NamedCurves.nistP521,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>What is wrong with the key (the JWK member and why), or null when the gateway accepts it.</summary>
    public static (string Field, string Message)? Problem(ClientKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!CachingTokenHandler.IsPlainKid(key.Kid))
        {
            return ("kid", "kid must be 1-128 characters of letters, digits, '.', '_' or '-'");
        }

        switch (key.Kty)
        {
            case "EC" when key.Crv is null || !Curves.ContainsKey(key.Crv):
                return ("crv", "an EC key must be on P-256, P-384 or P-521");
            case "EC" when key.X is null || key.Y is null || key.N is not null || key.E is not null:
                return ("x", "an EC key has x and y, and no n or e");
            case "RSA" when key.N is null || key.E is null || key.Crv is not null || key.X is not null || key.Y is not null:
                return ("n", "an RSA key has n and e, and no crv, x or y");
            case "oct":
                return ("kty", "symmetric keys (kty oct) are refused: register the public half of an RSA or EC key pair");
            case not ("EC" or "RSA"):
                return ("kty", "kty must be RSA or EC");
        }

        if (key.Alg is not null && (!Algorithms.Contains(key.Alg) || !Fits(key, key.Alg)))
        {
            return ("alg", $"alg must be one of {string.Join(", ", Algorithms)} and fit the key ({key.Kty}{(key.Crv is null ? "" : " " + key.Crv)})");
        }

        try
        {
            if (key.Kty == "RSA" && RsaBits(key) is < MinRsaBits or > MaxRsaBits)
            {
                return ("n", $"an RSA key must have {MinRsaBits} to {MaxRsaBits} bits; this one has {RsaBits(key)}");
            }

            // With e = 1 the "signature" is the padded digest itself, which anyone can make; an even e is no RSA key.
            if (key.Kty == "RSA" && RsaExponent(key) is var e && (e < 3 || e.IsEven))
            {
                return ("e", "an RSA key's public exponent must be odd and at least 3 (65537 as usual)");
            }

            using var imported = Import(key);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return (key.Kty == "RSA" ? "n" : "x", $"the {key.Kty} public key is not valid (base64url members of a real {key.Kty} public key)");
        }

        return null;
    }

    /// <summary>Whether the key can verify a signature of <paramref name="algorithm"/> (an accepted one).</summary>
    public static bool Fits(ClientKey key, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(algorithm);
        if (key.Alg is not null && key.Alg != algorithm)
        {
            return false;
        }

        return algorithm switch
        {
            SecurityAlgorithms.EcdsaSha256 => key is { Kty: "EC", Crv: "P-256" },
            SecurityAlgorithms.EcdsaSha384 => key is { Kty: "EC", Crv: "P-384" },
            SecurityAlgorithms.EcdsaSha512 => key is { Kty: "EC", Crv: "P-521" },
            _ => key.Kty == "RSA" && Algorithms.Contains(algorithm),
        };
    }

    /// <summary>The key as Microsoft.IdentityModel verifies with it; the key must be valid (<see cref="Problem"/>).</summary>
    public static SecurityKey ToSecurityKey(ClientKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Kty == "EC"
            ? new ECDsaSecurityKey((ECDsa)Import(key)) { KeyId = key.Kid }
            : new RsaSecurityKey((RSA)Import(key)) { KeyId = key.Kid };
    }

    /// <summary>The RFC 7638 JWK thumbprint (SHA-256, base64url): the kid of a key registered without one.</summary>
    public static string Thumbprint(ClientKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var jwk = new JsonWebKey { Kty = key.Kty, Crv = key.Crv, X = key.X, Y = key.Y, N = key.N, E = key.E };
        return Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
    }

    private static AsymmetricAlgorithm Import(ClientKey key) => key.Kty == "EC"
        ? ECDsa.Create(new ECParameters { Curve = Curves[key.Crv!], Q = new ECPoint { X = Base64Url.DecodeFromChars(key.X), Y = Base64Url.DecodeFromChars(key.Y) } })
        : RSA.Create(new RSAParameters { Modulus = Base64Url.DecodeFromChars(key.N), Exponent = Base64Url.DecodeFromChars(key.E) });

    private static BigInteger RsaExponent(ClientKey key) => new(Base64Url.DecodeFromChars(key.E), isUnsigned: true, isBigEndian: true);

    private static long RsaBits(ClientKey key) =>
        (long)new BigInteger(Base64Url.DecodeFromChars(key.N), isUnsigned: true, isBigEndian: true).GetBitLength();
}
