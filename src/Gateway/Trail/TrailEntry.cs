using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Trail;

/// <summary>
/// One call that named a data subject, as the access trail keeps it: the subject's keyed pseudonym (never the
/// identifier), the key version that made it, and who called which service, when, for what purpose, with what outcome.
/// </summary>
public sealed record TrailEntry
{
    public required string TransactionId { get; init; }

    /// <summary>The version of the pseudonym key (<see cref="PseudonymKeyRing"/>).</summary>
    public required string SubjectKey { get; init; }

    /// <summary>HMAC-SHA256 of the subject's identifier under that key, lower-case hex.</summary>
    public required string Subject { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required string Agency { get; init; }

    public required string Client { get; init; }

    public required string Service { get; init; }

    public string? Purpose { get; init; }

    public required int Status { get; init; }

    public required Outcome Outcome { get; init; }

    /// <summary>The trail entry of a metered call that named a subject; null for one that named none.</summary>
    public static TrailEntry? Of(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Subject is not { } subject || record.SubjectKey is not { } key)
        {
            return null;
        }

        return new TrailEntry
        {
            TransactionId = record.TransactionId,
            SubjectKey = key,
            Subject = subject,
            Timestamp = record.Timestamp,
            Agency = record.Agency,
            Client = record.Client,
            Service = record.Service,
            Purpose = record.Purpose,
            Status = record.Status,
            Outcome = record.Outcome,
        };
    }
}
