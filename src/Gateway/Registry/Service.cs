namespace Ndxp.Gateway.Registry;

/// <summary>A data service of a providing agency, reachable under a public path prefix.</summary>
public sealed record Service
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    /// <summary>What the service answers, for the portal's catalogue.</summary>
    public string? Description { get; init; }

    /// <summary>The purposes of use the provider accepts for it; access requests may ask only for these (any, when empty).</summary>
    public IReadOnlyList<string> Purposes { get; init; } = [];

    /// <summary>Code of the providing agency that owns the database behind the service.</summary>
    public required string Provider { get; init; }

    public string Version { get; init; } = "v1";

    /// <summary>Public path prefix, e.g. <c>/population/v1</c>; forwarded unchanged to the destination.</summary>
    public required string PathPrefix { get; init; }

    public IReadOnlyList<string> Methods { get; init; } = ["GET"];

    /// <summary>
    /// Protocols a caller may switch a call to (HTTP/1.1 <c>Upgrade</c>, HTTP/2 extended CONNECT); only <c>websocket</c>
    /// is known. None by default: an upgraded connection is a tunnel whose bytes no later access check sees, so only a
    /// provider that speaks the protocol opens one.
    /// </summary>
    public IReadOnlyList<string> Upgrades { get; init; } = [];

    /// <summary>Absolute http(s) base addresses of the provider's instances.</summary>
    public IReadOnlyList<string> Destinations { get; init; } = [];

    /// <summary>How long the gateway waits for the provider before answering 504.</summary>
    public int TimeoutMs { get; init; } = 10_000;

    /// <summary>Path probed by active health checks; none when null.</summary>
    public string? HealthCheckPath { get; init; }

    /// <summary>Services carrying personal data require callers to declare a granted purpose.</summary>
    public bool PersonalData { get; init; }

    /// <summary>
    /// Which segment of the path names the data subject, e.g. <c>/population/v1/citizens/{personalId}</c> (see
    /// <see cref="Trail.SubjectPath"/>): each call then leaves a pseudonymous entry in that person's access trail.
    /// Personal-data services only; none when null.
    /// </summary>
    public string? SubjectPath { get; init; }

    /// <summary>Mutual TLS toward the provider, for providers that require it; none when null.</summary>
    public ProviderTls? Tls { get; init; }

    /// <summary>Largest request body accepted for this service (413 above); the gateway-wide limit when null.</summary>
    public long? MaxRequestBodyBytes { get; init; }

    /// <summary>Largest total of request header names and values for this service (431 above); 16 KiB when null.</summary>
    public int? MaxRequestHeaderBytes { get; init; }

    /// <summary>Protects the provider's database from all consumers together; none when null.</summary>
    public CapacityCap? Capacity { get; init; }

    public EntityStatus Status { get; init; } = EntityStatus.Active;
}
