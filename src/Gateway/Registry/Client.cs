namespace Ndxp.Gateway.Registry;

/// <summary>An application of an agency that calls the gateway with client credentials.</summary>
public sealed record Client
{
    public required string Id { get; init; }

    public required string Agency { get; init; }

    public string? Name { get; init; }

    /// <summary>
    /// The secret's hash (<see cref="Identity.ClientSecretHasher"/>: fast for a generated secret, slow for a chosen one),
    /// never the secret itself. Null for a client that authenticates only with its keys or its certificate, or gets its
    /// tokens from an external authority.
    /// </summary>
    public string? SecretHash { get; init; }

    /// <summary>
    /// The hash of the secret replaced by the last rotation, still accepted until <see cref="PreviousSecretValidUntil"/>
    /// so that the agency can roll the new secret out to all its instances without a failed call.
    /// </summary>
    public string? PreviousSecretHash { get; init; }

    public DateTimeOffset? PreviousSecretValidUntil { get; init; }

    /// <summary>
    /// SHA-256 thumbprint (base64url, RFC 8705 <c>x5t#S256</c>) of the certificate this client must present over mutual
    /// TLS at the token endpoint; its tokens are then bound to that certificate. None when null.
    /// </summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>
    /// Public keys the client signs its assertions with (private_key_jwt), at most five, managed at
    /// <c>/admin/v1/clients/{id}/keys</c>. Several at once let an agency roll a new key out before the old one expires.
    /// </summary>
    public IReadOnlyList<ClientKey> PublicKeys { get; init; } = [];

    /// <summary>Platform roles of the client; <c>operator</c> opens the admin plane.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    public EntityStatus Status { get; init; } = EntityStatus.Active;
}
