namespace Ndxp.Gateway.Registry;

/// <summary>
/// A token refused before its expiry: its <c>jti</c>, kept until the token would have expired anyway. Replicas
/// follow revocations like any registry change, so a stolen token stops working everywhere within seconds.
/// </summary>
public sealed record RevokedToken
{
    public required string Jti { get; init; }

    /// <summary>When the revoked token expires; after that the entry changes nothing and may be deleted.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    public string? Reason { get; init; }
}
