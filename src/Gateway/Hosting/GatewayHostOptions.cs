using System.ComponentModel.DataAnnotations;

namespace Ndxp.Gateway.Hosting;

/// <summary>Ports and folders of the gateway process. Bound from the <c>Gateway</c> section.</summary>
public sealed class GatewayHostOptions : IValidatableObject
{
    public const string SectionName = "Gateway";

    /// <summary><c>localhost</c> (the default, for a laptop) or an IP address such as <c>0.0.0.0</c> in a container.</summary>
    [Required]
    public string ListenAddress { get; set; } = "localhost";

    /// <summary>The public data plane: data calls, the token endpoint, JWKS and discovery.</summary>
    [Range(1, 65535)]
    public int DataPort { get; set; } = 8080;

    /// <summary>The admin plane: health, readiness, metrics and (later) the admin API; never exposed publicly.</summary>
    [Range(1, 65535)]
    public int AdminPort { get; set; } = 8081;

    /// <summary>
    /// After SIGTERM, how long the replica reports not ready while still serving, before it stops taking calls:
    /// a little longer than the load balancer needs to notice (a few seconds in Kubernetes; 0 on a laptop).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ShutdownDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// After <see cref="ShutdownDelay"/>, how long calls in flight may take to finish before their connections are cut
    /// and the process exits. Kubernetes' <c>terminationGracePeriodSeconds</c> must cover the <c>preStop</c> pause, the
    /// delay and this.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The admin plane's address as operators reach it (say <c>https://gateway-admin.internal</c>), published as the
    /// server of the admin API's OpenAPI document. None by default: the document then names no server, and tools use
    /// the address they fetched it from. Never taken from a request, whose Host header the caller writes.
    /// </summary>
    public Uri? AdminPublicUrl { get; set; }

    /// <summary>Where the embedded store and generated keys live. Relative to the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>PEM certificate (chain) for TLS on the data port; plain HTTP when null (e.g. TLS ends at an ingress).</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>Strict-Transport-Security max-age sent on TLS connections.</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// With TLS: ask callers for a client certificate (optional), so that tokens can be bound to it (RFC 8705).
    /// </summary>
    public bool AllowClientCertificates { get; set; }

    public bool TlsEnabled => TlsCertificatePath is not null;

    /// <summary>
    /// Addresses or networks (CIDR) of the load balancers or ingress in front of the data port, whose
    /// <c>X-Forwarded-For</c> names the real caller: its last entry becomes the caller's address, which failed client
    /// authentications are counted against. From anyone else, and on the admin port, the header is ignored. Name the
    /// ingress's own addresses, not a whole cluster network: any host in a trusted network can choose the address it
    /// is counted under. None by default: the connection's address is the caller's.
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>What a request with an underscore in a header name gets: refused (400), or the header dropped.</summary>
    public UnderscoreHeaders UnderscoreHeaders { get; set; } = UnderscoreHeaders.Refuse;

    /// <summary>A client must send all its request headers within this time (slowloris), else the connection is closed.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Idle keep-alive connections are closed after this.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A request body slower than this (after the grace period) is cut off (slow body attacks).</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    public TimeSpan MinRequestBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>All request headers together; larger is 431 from Kestrel before anything else runs.</summary>
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    /// <summary>The largest request body any service may get; services set lower limits of their own.</summary>
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AdminPublicUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https") || url.Query.Length > 0 || url.Fragment.Length > 0))
        {
            yield return new ValidationResult(
                $"Gateway:AdminPublicUrl must be an absolute http or https URL without query or fragment, not {url.OriginalString}.", [nameof(AdminPublicUrl)]);
        }
    }
}

/// <summary>Envoy's <c>headers_with_underscores_action</c>, less its ALLOW: no provider should see such names from callers.</summary>
public enum UnderscoreHeaders
{
    Refuse,
    Drop,
}
