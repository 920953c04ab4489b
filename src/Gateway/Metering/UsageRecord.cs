using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// One metered call. Deliberately without the path, query string or body: they carry citizens' identifiers.
/// </summary>
public sealed record UsageRecord
{
    public required string TransactionId { get; init; }

    /// <summary>When the call arrived, UTC, in whole milliseconds (what both stores keep exactly, so the chain's hashes survive).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    public required string Agency { get; init; }

    public required string Client { get; init; }

    public required string Service { get; init; }

    public string? ServiceVersion { get; init; }

    /// <summary>The grant that admitted the call; null when it was refused before a grant matched.</summary>
    public string? Grant { get; init; }

    public required string Method { get; init; }

    public required int Status { get; init; }

    public required Outcome Outcome { get; init; }

    public required double LatencyMs { get; init; }

    public double? UpstreamLatencyMs { get; init; }

    public long RequestBytes { get; init; }

    public long ResponseBytes { get; init; }

    public string? Purpose { get; init; }

    /// <summary>
    /// The keyed pseudonym of the data subject the call's path named (<see cref="Trail.PseudonymKeyRing"/>), for the
    /// subject's access trail; never the identifier itself. Null when the service names no subject.
    /// </summary>
    public string? Subject { get; init; }

    /// <summary>The version of the key that made <see cref="Subject"/>.</summary>
    public string? SubjectKey { get; init; }

    /// <summary>
    /// Counted in the hourly aggregates only, not stored as a record of its own: a refusal of a client beyond its
    /// refusal budget (<see cref="Limits.RefusalBudget"/>).
    /// </summary>
    public bool Aggregated { get; init; }

    /// <summary>Whether the call was let through to the provider, and so counts against quotas.</summary>
    public bool Admitted => Grant is not null && Outcome.IsAdmitted();
}
