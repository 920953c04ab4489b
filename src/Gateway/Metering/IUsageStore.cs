namespace Ndxp.Gateway.Metering;

/// <summary>
/// Where usage is kept: raw records (kept for <see cref="MeteringOptions.RawRetention"/>) and hourly aggregates.
/// Embedded SQLite by default, PostgreSQL in a cluster; both pass the same contract tests.
/// </summary>
public interface IUsageStore
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes the records and adds to the hourly aggregates, in one transaction. Idempotent by transaction id: a
    /// record already stored (a replay after a failed commit acknowledgement) is neither stored nor counted twice.
    /// An <see cref="UsageRecord.Aggregated"/> record is only counted, having no row to recognise it by: a replay after
    /// a lost commit acknowledgement counts it again.
    /// </summary>
    /// <returns>How many records were new.</returns>
    Task<int> WriteAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken);

    /// <summary>Hourly aggregates whose hour lies in [<paramref name="filter"/>.From, To), filtered.</summary>
    Task<IReadOnlyList<HourlyUsage>> QueryAsync(UsageFilter filter, CancellationToken cancellationToken);

    /// <summary>Raw records of one agency with a timestamp in [since, until), oldest first (audit and reconciliation).</summary>
    Task<IReadOnlyList<UsageRecord>> ReadRecordsAsync(string agency, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Raw records with a timestamp in [since, until).</summary>
    Task<long> CountRecordsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Deletes raw records older than <paramref name="cutoff"/>; aggregates stay.</summary>
    Task<int> DeleteRecordsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <summary>Which aggregates a usage query wants. Null filters match everything.</summary>
public sealed record UsageFilter(DateTimeOffset From, DateTimeOffset To)
{
    public string? Agency { get; init; }

    public string? Client { get; init; }

    public string? Service { get; init; }

    public Problems.Outcome? Outcome { get; init; }
}
