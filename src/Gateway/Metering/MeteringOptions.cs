using System.ComponentModel.DataAnnotations;

namespace Ndxp.Gateway.Metering;

/// <summary>How usage records are written. Bound from the <c>Metering</c> section.</summary>
public sealed class MeteringOptions
{
    public const string SectionName = "Metering";

    /// <summary>
    /// How often buffered records are written to the store. Also the bound on loss: an abrupt kill (SIGKILL, power
    /// loss) loses at most the records of calls completed within the last interval plus one write.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A write slower than this counts as a failure, so a slow store is handled like a down one (buffer, spool).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most records written in one transaction.</summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 5_000;

    /// <summary>Records kept in memory while the store is unreachable; beyond this they go to the spool file.</summary>
    [Range(1, 10_000_000)]
    public int MaxBufferedRecords { get; set; } = 50_000;

    /// <summary>The append-only spool file, relative to the data directory.</summary>
    [Required]
    public string SpoolFile { get; set; } = "metering-spool.jsonl";

    /// <summary>
    /// This replica's call chain (<see cref="CallChain"/>): default its host name and data port. A replica that keeps its
    /// name (a StatefulSet pod, a single node) continues its chain across restarts; a new name starts a new chain.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._:-]{1,128}$")]
    public string? ChainId { get; set; }

    /// <summary>Rows deleted per statement when retention is applied, so that writes wait for one slice at most.</summary>
    [Range(100, 100_000)]
    public int RetentionSliceRows { get; set; } = 5_000;

    /// <summary>How long raw records are kept; hourly aggregates are kept for good.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan RawRetention { get; set; } = TimeSpan.FromDays(90);
}
