namespace Ndxp.Gateway.Audit;

/// <summary>
/// One recorded admin change: who, when, from where, what (kind, id, action) and the entity before and after, sealed
/// into the chain by <see cref="Hash"/> = SHA-256 over the entry and <see cref="PreviousHash"/>.
/// </summary>
public sealed record AuditEntry
{
    public required long Sequence { get; init; }

    /// <summary>UTC, whole milliseconds (both stores keep it exactly, so the hash survives the round trip).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The operator's client id, or <c>cli:user@host</c> / <c>seed</c> for changes made outside the API.</summary>
    public required string Actor { get; init; }

    public string? ActorAgency { get; init; }

    /// <summary>Where the change came from: the caller's IP address for the API.</summary>
    public string? Source { get; init; }

    public required string Action { get; init; }

    public required string Kind { get; init; }

    public required string EntityId { get; init; }

    /// <summary>The entity's JSON before the change (null when created), secret hashes removed.</summary>
    public string? Before { get; init; }

    /// <summary>The entity's JSON after the change (null when deleted), secret hashes removed.</summary>
    public string? After { get; init; }

    /// <summary>The registry revision the change produced.</summary>
    public required long Revision { get; init; }

    public required string PreviousHash { get; init; }

    public required string Hash { get; init; }
}

/// <summary>Who made a change and from where.</summary>
public sealed record AuditActor(string Actor, string? Agency, string? Source);
