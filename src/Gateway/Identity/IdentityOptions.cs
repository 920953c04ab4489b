using System.ComponentModel.DataAnnotations;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Identity;

/// <summary>The gateway's token issuer and the authorities it trusts. Bound from the <c>Identity</c> section.</summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    /// <summary>The <c>iss</c> of tokens the gateway issues; the public base URL of the data plane. Defaults to it on localhost.</summary>
    public string? Issuer { get; set; }

    [Required]
    public string Audience { get; set; } = "ndxp-gateway";

    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Folder of EC P-256 private keys in PEM, one per file named <c>{kid}.pem</c>. Relative to the data directory.</summary>
    [Required]
    public string SigningKeysDirectory { get; set; } = "keys";

    /// <summary>The key that signs new tokens; the others are still published so tokens they signed stay valid. Default: the last by name.</summary>
    public string? ActiveKeyId { get; set; }

    /// <summary>Embedded mode creates a key on first start; a cluster mounts its keys from a secret and sets this to false.</summary>
    public bool GenerateSigningKeyIfMissing { get; set; } = true;

    /// <summary>How many validated tokens are remembered so that their signature is not checked again.</summary>
    [Range(0, 1_000_000)]
    public int ValidatedTokenCacheSize { get; set; } = 10_000;

    public const int DefaultMaxTokenBytes = 8192;

    /// <summary>Longer bearer tokens are refused unread (401 token-too-large): the gateway's are ~700 characters.</summary>
    [System.ComponentModel.DataAnnotations.Range(1024, 262_144)]
    public int MaxTokenBytes { get; set; } = DefaultMaxTokenBytes;

    /// <summary>The issuer URL: configured, or the data plane on localhost for the embedded default.</summary>
    public string ResolveIssuer(GatewayHostOptions host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return (Issuer ?? $"{(host.TlsEnabled ? "https" : "http")}://localhost:{host.DataPort}").TrimEnd('/');
    }

    /// <summary>Other OpenID Connect authorities whose tokens are accepted, besides the gateway's own.</summary>
    public IList<ExternalAuthorityOptions> ExternalAuthorities { get; } = [];
}

/// <summary>An external OIDC authority (its signing keys come from its discovery document).</summary>
public sealed class ExternalAuthorityOptions
{
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The authority's issuer URL; its <c>/.well-known/openid-configuration</c> is read for keys.</summary>
    [Required]
    public string Authority { get; set; } = "";

    [Required]
    public string Audience { get; set; } = "";

    /// <summary>The claim that carries the caller's agency code.</summary>
    public string AgencyClaim { get; set; } = GatewayClaims.Agency;

    /// <summary>The claim that carries the registered client id.</summary>
    public string ClientClaim { get; set; } = GatewayClaims.ClientId;

    /// <summary>Only for loopback tests: allows the discovery document over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// A scope (in the token's <c>scope</c> or <c>scp</c>) by which this authority says the person is a platform
    /// operator, e.g. staff signing in through the government SSO. Null: operators come only from the registry role.
    /// </summary>
    public string? OperatorScope { get; set; }

    /// <summary>
    /// Makes this a citizen identity provider: the claim that carries the person's identifier (as the services' paths
    /// name it), e.g. <c>personal_id</c>. Its tokens then open only the person's own access trail (<c>/trail/v1/me</c>):
    /// any agency, client, role or scope they carry is ignored. Null: an authority for agencies' clients.
    /// </summary>
    public string? CitizenClaim { get; set; }
}
