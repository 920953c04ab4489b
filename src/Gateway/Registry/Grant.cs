namespace Ndxp.Gateway.Registry;

/// <summary>
/// Permission for a consumer agency (or one of its clients) to call a service with some methods, for some
/// declared purposes, within a validity window. Without a grant there is no call (default deny).
/// </summary>
public sealed record Grant
{
    public required string Id { get; init; }

    public required string ConsumerAgency { get; init; }

    /// <summary>When set, only this client of the consumer agency holds the grant.</summary>
    public string? ConsumerClient { get; init; }

    public required string Service { get; init; }

    public IReadOnlyList<string> Methods { get; init; } = ["GET"];

    /// <summary>Purposes of use (legal bases) the caller may declare in <c>X-Purpose</c>.</summary>
    public IReadOnlyList<string> Purposes { get; init; } = [];

    public DateTimeOffset? ValidFrom { get; init; }

    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>The grant's rate limit; when null, the consumer agency's default applies (if any).</summary>
    public RateLimit? RateLimit { get; init; }

    /// <summary>Calls admitted per UTC day; none when null.</summary>
    public long? DailyQuota { get; init; }

    /// <summary>Calls admitted per UTC calendar month; none when null.</summary>
    public long? MonthlyQuota { get; init; }

    public EntityStatus Status { get; init; } = EntityStatus.Active;
}
