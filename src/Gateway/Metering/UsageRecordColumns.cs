using System.Data.Common;
using System.Globalization;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Metering;

/// <summary>The raw-record columns, in the order both stores select them, and their mapping back to a record.</summary>
internal static class UsageRecordColumns
{
    public const string Select = """
        transaction_id, ts, agency, client, service, service_version, grant_id, method, status, outcome,
        latency_ms, upstream_latency_ms, request_bytes, response_bytes, purpose
        """;

    // Column 1 (the timestamp) is kept in each store's own time type, so each store says how to read it.
    public static UsageRecord Read(DbDataReader reader, Func<DbDataReader, DateTimeOffset> timestamp)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(timestamp);
        return new UsageRecord
        {
            TransactionId = reader.GetString(0),
            Timestamp = timestamp(reader),
            Agency = reader.GetString(2),
            Client = reader.GetString(3),
            Service = reader.GetString(4),
            ServiceVersion = reader.IsDBNull(5) ? null : reader.GetString(5),
            Grant = reader.IsDBNull(6) ? null : reader.GetString(6),
            Method = reader.GetString(7),
            Status = Convert.ToInt32(reader.GetValue(8), CultureInfo.InvariantCulture),
            Outcome = (Outcome)Convert.ToInt32(reader.GetValue(9), CultureInfo.InvariantCulture),
            LatencyMs = reader.GetDouble(10),
            UpstreamLatencyMs = reader.IsDBNull(11) ? null : reader.GetDouble(11),
            RequestBytes = reader.GetInt64(12),
            ResponseBytes = reader.GetInt64(13),
            Purpose = reader.IsDBNull(14) ? null : reader.GetString(14),
        };
    }
}
