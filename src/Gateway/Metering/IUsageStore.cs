namespace Ndxp.Gateway.Metering;

/// <summary>
/// Where usage is kept: raw records (kept for <see cref="MeteringOptions.RawRetention"/>) sealed into this replica's
/// call chain with their trail entries, and hourly aggregates.
/// Embedded SQLite by default, PostgreSQL in a cluster; both pass the same contract tests.
/// </summary>
public interface IUsageStore
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes the records, their trail entries, the seal of the batch they form on this store's chain
    /// (<see cref="CallChain"/>) and the hourly aggregates, in one transaction. Idempotent by transaction id: a record
    /// already stored (a replay after a failed commit acknowledgement) is neither stored, sealed nor counted twice.
    /// An <see cref="UsageRecord.Aggregated"/> record is only counted, having no row to recognise it by: a replay after
    /// a lost commit acknowledgement counts it again.
    /// </summary>
    /// <returns>How many records were new, and the seal of the batch they formed (none if none was new).</returns>
    Task<StoredBatch> WriteAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken);

    /// <summary>Hourly aggregates whose hour lies in [<paramref name="filter"/>.From, To), filtered.</summary>
    Task<IReadOnlyList<HourlyUsage>> QueryAsync(UsageFilter filter, CancellationToken cancellationToken);

    /// <summary>Raw records of one agency with a timestamp in [since, until), oldest first (audit and reconciliation).</summary>
    Task<IReadOnlyList<UsageRecord>> ReadRecordsAsync(string agency, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Raw records with a timestamp in [since, until).</summary>
    Task<long> CountRecordsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Applies retention a slice at a time, each slice its own short transaction so that writes are never held up:
    /// deletes raw records of batches sealed before <paramref name="recordsCutoff"/>, trail entries of batches sealed
    /// before <paramref name="trailCutoff"/>, and seals whose records and entries are both gone (the chain's anchor
    /// then moves to the last one deleted, so what remains still verifies). Aggregates stay.
    /// </summary>
    Task<PrunedItems> PruneAsync(DateTimeOffset recordsCutoff, DateTimeOffset trailCutoff, int sliceRows, CancellationToken cancellationToken);
}

/// <summary>What one write stored: the new records, and the seal of their batch (null when none was new).</summary>
public sealed record StoredBatch(int Inserted, CallBatchSeal? Seal);

/// <summary>What retention deleted.</summary>
public sealed record PrunedItems(long Records, long TrailEntries, long Seals);

/// <summary>Which aggregates a usage query wants. Null filters match everything.</summary>
public sealed record UsageFilter(DateTimeOffset From, DateTimeOffset To)
{
    public string? Agency { get; init; }

    public string? Client { get; init; }

    public string? Service { get; init; }

    public Problems.Outcome? Outcome { get; init; }
}
