using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// The usage store of a cluster: PostgreSQL, shared by all replicas. A batch is one transaction; records are inserted
/// with <c>ON CONFLICT DO NOTHING</c> and only the ones actually inserted are added to the aggregates, so retries and
/// replays never count twice. Aggregates are upserted in key order, so concurrent replicas cannot deadlock.
/// </summary>
internal sealed partial class PostgresUsageStore : IUsageStore, ICallChainStore, Trail.ITrailStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS usage_record (
            transaction_id      text PRIMARY KEY,
            ts                  timestamptz NOT NULL,
            agency              text NOT NULL,
            client              text NOT NULL,
            service             text NOT NULL,
            service_version     text,
            grant_id            text,
            method              text NOT NULL,
            status              integer NOT NULL,
            outcome             smallint NOT NULL,
            latency_ms          double precision NOT NULL,
            upstream_latency_ms double precision,
            request_bytes       bigint NOT NULL,
            response_bytes      bigint NOT NULL,
            purpose             text
        );
        ALTER TABLE usage_record ADD COLUMN IF NOT EXISTS chain_id text;
        ALTER TABLE usage_record ADD COLUMN IF NOT EXISTS batch_seq bigint;
        ALTER TABLE usage_record ADD COLUMN IF NOT EXISTS batch_pos integer;
        CREATE INDEX IF NOT EXISTS usage_record_batch ON usage_record (chain_id, batch_seq, batch_pos);
        CREATE INDEX IF NOT EXISTS usage_record_ts ON usage_record (ts);
        CREATE INDEX IF NOT EXISTS usage_record_agency_ts ON usage_record (agency, ts);
        CREATE TABLE IF NOT EXISTS usage_hourly (
            hour           timestamptz NOT NULL,
            agency         text NOT NULL,
            client         text NOT NULL,
            service        text NOT NULL,
            grant_id       text NOT NULL,
            outcome        smallint NOT NULL,
            count          bigint NOT NULL,
            request_bytes  bigint NOT NULL,
            response_bytes bigint NOT NULL,
            latency_sum_ms double precision NOT NULL,
            latency_buckets bigint[] NOT NULL,
            PRIMARY KEY (hour, agency, client, service, grant_id, outcome)
        );
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _chain;
    private readonly TimeProvider _clock;

    public PostgresUsageStore(NpgsqlDataSource dataSource, string chain, TimeProvider clock)
    {
        _dataSource = dataSource;
        _chain = chain;
        _clock = clock;
    }

    public Task InitializeAsync(CancellationToken cancellationToken) =>
        PostgresSchema.EnsureAsync(_dataSource, "ndxp_gateway_usage_schema", Schema + CallChainSchema, cancellationToken);

    public async Task<StoredBatch> WriteAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return new StoredBatch(0, null);
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The chain's head, locked: a batch is sealed onto it by one writer at a time (replicas have chains of their own).
        var head = await LockHeadAsync(connection, transaction, cancellationToken);
        var sequence = head.Sequence + 1;
        // Records already stored (a replay after a lost commit acknowledgement) are left out before positions are given,
        // so that the batch's records sit at positions 0 to n-1, as sealed.
        var stored = await NewRecordsAsync(connection, transaction, records.Where(r => !r.Aggregated).ToList(), cancellationToken);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO usage_record (transaction_id, ts, agency, client, service, service_version, grant_id, method, status, outcome,
                                      latency_ms, upstream_latency_ms, request_bytes, response_bytes, purpose, chain_id, batch_seq, batch_pos)
            SELECT id, ts, agency, client, service, version, grant_id, method, status, outcome,
                   latency, upstream, request_bytes, response_bytes, purpose, @chain, @batch, (ord - 1)::integer
            FROM unnest(@id, @ts, @agency, @client, @service, @version, @grant, @method, @status, @outcome,
                        @latency, @upstream, @request_bytes, @response_bytes, @purpose) WITH ORDINALITY
                 AS t(id, ts, agency, client, service, version, grant_id, method, status, outcome,
                      latency, upstream, request_bytes, response_bytes, purpose, ord)
            """, connection, transaction);
        insert.Parameters.AddWithValue("chain", _chain);
        insert.Parameters.AddWithValue("batch", sequence);
        insert.Parameters.Add(Array("id", NpgsqlDbType.Text, stored.Select(r => r.TransactionId)));
        insert.Parameters.Add(Array("ts", NpgsqlDbType.TimestampTz, stored.Select(r => r.Timestamp.ToUniversalTime())));
        insert.Parameters.Add(Array("agency", NpgsqlDbType.Text, stored.Select(r => r.Agency)));
        insert.Parameters.Add(Array("client", NpgsqlDbType.Text, stored.Select(r => r.Client)));
        insert.Parameters.Add(Array("service", NpgsqlDbType.Text, stored.Select(r => r.Service)));
        insert.Parameters.Add(Array("version", NpgsqlDbType.Text, stored.Select(r => r.ServiceVersion)));
        insert.Parameters.Add(Array("grant", NpgsqlDbType.Text, stored.Select(r => r.Grant)));
        insert.Parameters.Add(Array("method", NpgsqlDbType.Text, stored.Select(r => r.Method)));
        insert.Parameters.Add(Array("status", NpgsqlDbType.Integer, stored.Select(r => r.Status)));
        insert.Parameters.Add(Array("outcome", NpgsqlDbType.Smallint, stored.Select(r => (short)r.Outcome)));
        insert.Parameters.Add(Array("latency", NpgsqlDbType.Double, stored.Select(r => r.LatencyMs)));
        insert.Parameters.Add(Array("upstream", NpgsqlDbType.Double, stored.Select(r => r.UpstreamLatencyMs)));
        insert.Parameters.Add(Array("request_bytes", NpgsqlDbType.Bigint, stored.Select(r => r.RequestBytes)));
        insert.Parameters.Add(Array("response_bytes", NpgsqlDbType.Bigint, stored.Select(r => r.ResponseBytes)));
        insert.Parameters.Add(Array("purpose", NpgsqlDbType.Text, stored.Select(r => r.Purpose)));

        CallBatchSeal? seal = null;
        if (stored.Count > 0)
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
            var trail = stored.Select(Trail.TrailEntry.Of).OfType<Trail.TrailEntry>().ToList();
            await InsertTrailAsync(connection, transaction, trail, sequence, cancellationToken);
            seal = CallChain.Seal(_chain, head, _clock.GetUtcNow(), stored, trail);
            await WriteSealAsync(connection, transaction, seal, cancellationToken);
        }

        var aggregates = HourlyUsage.Aggregate(records.Where(r => r.Aggregated).Concat(stored))
            .OrderBy(u => u.Key.Hour).ThenBy(u => u.Key.Agency, StringComparer.Ordinal).ThenBy(u => u.Key.Client, StringComparer.Ordinal)
            .ThenBy(u => u.Key.Service, StringComparer.Ordinal).ThenBy(u => u.Key.Grant ?? "", StringComparer.Ordinal).ThenBy(u => u.Key.Outcome);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var usage in aggregates)
        {
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO usage_hourly AS h (hour, agency, client, service, grant_id, outcome, count, request_bytes, response_bytes, latency_sum_ms, latency_buckets)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (hour, agency, client, service, grant_id, outcome) DO UPDATE SET
                    count = h.count + excluded.count,
                    request_bytes = h.request_bytes + excluded.request_bytes,
                    response_bytes = h.response_bytes + excluded.response_bytes,
                    latency_sum_ms = h.latency_sum_ms + excluded.latency_sum_ms,
                    latency_buckets = ARRAY(SELECT a + b FROM unnest(h.latency_buckets, excluded.latency_buckets) AS t(a, b))
                """);
            upsert.Parameters.Add(new NpgsqlParameter { Value = usage.Key.Hour, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            upsert.Parameters.Add(new NpgsqlParameter { Value = usage.Key.Agency });
            upsert.Parameters.Add(new NpgsqlParameter { Value = usage.Key.Client });
            upsert.Parameters.Add(new NpgsqlParameter { Value = usage.Key.Service });
            upsert.Parameters.Add(new NpgsqlParameter { Value = usage.Key.Grant ?? "" });
            upsert.Parameters.Add(new NpgsqlParameter { Value = (short)usage.Key.Outcome });
            upsert.Parameters.Add(new NpgsqlParameter { Value = usage.Count });
            upsert.Parameters.Add(new NpgsqlParameter { Value = usage.RequestBytes });
            upsert.Parameters.Add(new NpgsqlParameter { Value = usage.ResponseBytes });
            upsert.Parameters.Add(new NpgsqlParameter { Value = usage.LatencySumMs });
            upsert.Parameters.Add(new NpgsqlParameter { Value = usage.LatencyBuckets });
            batch.BatchCommands.Add(upsert);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new StoredBatch(stored.Count, seal);
    }

    public async Task<IReadOnlyList<HourlyUsage>> QueryAsync(UsageFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var command = _dataSource.CreateCommand("""
            SELECT hour, agency, client, service, grant_id, outcome, count, request_bytes, response_bytes, latency_sum_ms, latency_buckets
            FROM usage_hourly
            WHERE hour >= @from AND hour < @to
              AND (@agency::text IS NULL OR agency = @agency)
              AND (@client::text IS NULL OR client = @client)
              AND (@service::text IS NULL OR service = @service)
              AND (@outcome::smallint IS NULL OR outcome = @outcome)
            """);
        command.Parameters.AddWithValue("from", filter.From.ToUniversalTime());
        command.Parameters.AddWithValue("to", filter.To.ToUniversalTime());
        command.Parameters.Add(new NpgsqlParameter("agency", NpgsqlDbType.Text) { Value = (object?)filter.Agency ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("client", NpgsqlDbType.Text) { Value = (object?)filter.Client ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("service", NpgsqlDbType.Text) { Value = (object?)filter.Service ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("outcome", NpgsqlDbType.Smallint) { Value = filter.Outcome is { } o ? (short)o : DBNull.Value });

        var rows = new List<HourlyUsage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var grant = reader.GetString(4);
            var usage = new HourlyUsage(new UsageKey(
                reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                grant.Length == 0 ? null : grant, (Outcome)reader.GetInt16(5)))
            {
                Count = reader.GetInt64(6),
                RequestBytes = reader.GetInt64(7),
                ResponseBytes = reader.GetInt64(8),
                LatencySumMs = reader.GetDouble(9),
            };
            reader.GetFieldValue<long[]>(10).CopyTo(usage.LatencyBuckets, 0);
            rows.Add(usage);
        }

        return rows;
    }

    public async Task<IReadOnlyList<UsageRecord>> ReadRecordsAsync(string agency, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"""
            SELECT {UsageRecordColumns.Select}
            FROM usage_record WHERE agency = @agency AND ts >= @since AND ts < @until ORDER BY ts, transaction_id
            """);
        command.Parameters.AddWithValue("agency", agency);
        command.Parameters.AddWithValue("since", since.ToUniversalTime());
        command.Parameters.AddWithValue("until", until.ToUniversalTime());
        var records = new List<UsageRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(UsageRecordColumns.Read(reader, r => r.GetFieldValue<DateTimeOffset>(1)));
        }

        return records;
    }

    public async Task<long> CountRecordsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM usage_record WHERE ts >= @since AND ts < @until");
        command.Parameters.AddWithValue("since", since.ToUniversalTime());
        command.Parameters.AddWithValue("until", until.ToUniversalTime());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };
}
