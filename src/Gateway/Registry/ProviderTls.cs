namespace Ndxp.Gateway.Registry;

/// <summary>
/// How the gateway authenticates to a provider that requires mutual TLS, and which CA it trusts for the provider's
/// own certificate (providers on a government network usually have certificates from a private CA). Paths are PEM
/// files on the gateway's hosts (a mounted secret), never the key material itself: the registry is not a vault.
/// </summary>
public sealed record ProviderTls
{
    /// <summary>The gateway's client certificate for this provider.</summary>
    public string? ClientCertificatePath { get; init; }

    public string? ClientKeyPath { get; init; }

    /// <summary>The CA certificate(s) the provider's server certificate must chain to; the system store when null.</summary>
    public string? TrustedCaPath { get; init; }
}
