namespace Ndxp.Gateway.Registry;

/// <summary>A member of the platform (ministry, province, bank, telecom operator, state enterprise).</summary>
public sealed record Agency
{
    public required string Code { get; init; }

    public required string Name { get; init; }

    public AgencyKind Kind { get; init; } = AgencyKind.Other;

    /// <summary>Rate limit for this agency's grants that name none of their own.</summary>
    public RateLimit? DefaultRateLimit { get; init; }

    public EntityStatus Status { get; init; } = EntityStatus.Active;
}
