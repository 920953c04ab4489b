namespace Ndxp.Gateway.Registry;

/// <summary>
/// The whole registry as operators write it: the declarative file under <c>config/</c> and what the store holds.
/// It is data only; <see cref="RegistryValidator"/> checks it and <see cref="RegistrySnapshot"/> compiles it.
/// </summary>
public sealed record RegistryDocument
{
    public IReadOnlyList<Agency> Agencies { get; init; } = [];

    public IReadOnlyList<Client> Clients { get; init; } = [];

    public IReadOnlyList<Service> Services { get; init; } = [];

    public IReadOnlyList<Grant> Grants { get; init; } = [];

    /// <summary>Tokens revoked before their expiry, by <c>jti</c>.</summary>
    public IReadOnlyList<RevokedToken> RevokedTokens { get; init; } = [];

    /// <summary>Consumer agencies hidden from citizens' access trails (still shown to auditors).</summary>
    public IReadOnlyList<TrailExclusion> TrailExclusions { get; init; } = [];

    /// <summary>Providers' OpenAPI documents of their services, for the portal's catalogue.</summary>
    public IReadOnlyList<ApiDocument> ApiDocuments { get; init; } = [];

    /// <summary>Agencies' requests for grants and their decisions (workflow state: no declarative file writes them).</summary>
    public IReadOnlyList<AccessRequest> AccessRequests { get; init; } = [];
}

public enum EntityStatus
{
    Active,
    Suspended,
}

public enum AgencyKind
{
    Ministry,
    Province,
    Bank,
    Telecom,
    StateEnterprise,
    Other,
}
