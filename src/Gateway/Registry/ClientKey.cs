namespace Ndxp.Gateway.Registry;

/// <summary>
/// A public key that a client signs its assertions with (private_key_jwt, RFC 7523): the public members of its JWK
/// (RFC 7517) and nothing else, so the registry cannot hold private key material, plus the end of its overlap when a
/// newer key replaced it. Validated by <see cref="RegistryValidator"/> (asymmetric only, RSA of 2048 bits or more, EC
/// P-256/P-384/P-521).
/// </summary>
public sealed record ClientKey
{
    /// <summary>Names the key in an assertion's header; unique per client.</summary>
    public required string Kid { get; init; }

    /// <summary><c>RSA</c> or <c>EC</c>.</summary>
    public required string Kty { get; init; }

    /// <summary>The one algorithm this key may sign with, when the agency said so; any that fits the key otherwise.</summary>
    public string? Alg { get; init; }

    /// <summary>EC: <c>P-256</c>, <c>P-384</c> or <c>P-521</c>.</summary>
    public string? Crv { get; init; }

    /// <summary>EC: the point's coordinates, base64url.</summary>
    public string? X { get; init; }

    public string? Y { get; init; }

    /// <summary>RSA: modulus and exponent, base64url.</summary>
    public string? N { get; init; }

    public string? E { get; init; }

    /// <summary>When the key stops verifying (the end of a rotation's overlap); null while it has no end.</summary>
    public DateTimeOffset? ValidUntil { get; init; }
}
