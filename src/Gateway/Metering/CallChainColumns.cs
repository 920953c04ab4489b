using System.Data.Common;
using System.Globalization;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Trail;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// The call chain's and the trail's columns, in the order both stores select them, and their mapping back. Times are
/// kept in each store's own type, so each store says how to read the column that holds one.
/// </summary>
internal static class CallChainColumns
{
    public const string Chain = "chain_id, head_seq, head_hash, anchor_seq, anchor_hash, records_pruned_through, trail_pruned_through";

    public const string Seal = "chain_id, seq, sealed_at, record_count, records_digest, trail_count, trail_digest, previous_hash, hash";

    public const string Trail = "transaction_id, subject_key, subject, ts, agency, client, service, purpose, status, outcome";

    public static ChainState ReadChain(DbDataReader reader) => new(
        reader.GetString(0), new ChainLink(reader.GetInt64(1), reader.GetString(2)), new ChainLink(reader.GetInt64(3), reader.GetString(4)),
        reader.GetInt64(5), reader.GetInt64(6));

    /// <summary>A seal; column 2 (when it was sealed) is read by <paramref name="sealedAt"/>.</summary>
    public static CallBatchSeal ReadSeal(DbDataReader reader, Func<DbDataReader, DateTimeOffset> sealedAt) => new()
    {
        Chain = reader.GetString(0),
        Sequence = reader.GetInt64(1),
        SealedAt = sealedAt(reader),
        RecordCount = reader.GetInt32(3),
        RecordsDigest = reader.GetString(4),
        TrailCount = reader.GetInt32(5),
        TrailDigest = reader.GetString(6),
        PreviousHash = reader.GetString(7),
        Hash = reader.GetString(8),
    };

    /// <summary>A trail entry; column 3 (its time) is read by <paramref name="timestamp"/>.</summary>
    public static TrailEntry ReadTrailEntry(DbDataReader reader, Func<DbDataReader, DateTimeOffset> timestamp) => new()
    {
        TransactionId = reader.GetString(0),
        SubjectKey = reader.GetString(1),
        Subject = reader.GetString(2),
        Timestamp = timestamp(reader),
        Agency = reader.GetString(4),
        Client = reader.GetString(5),
        Service = reader.GetString(6),
        Purpose = reader.IsDBNull(7) ? null : reader.GetString(7),
        Status = Convert.ToInt32(reader.GetValue(8), CultureInfo.InvariantCulture),
        Outcome = (Outcome)Convert.ToInt32(reader.GetValue(9), CultureInfo.InvariantCulture),
    };
}
