using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Problems;
using SQLitePCL;

namespace Ndxp.Gateway.Metering;

/// <summary>
/// The embedded usage store: raw records, trail entries, the call chain's seals and hourly aggregates in the gateway's
/// SQLite file. Times are stored as Unix milliseconds (UTC).
/// </summary>
internal sealed partial class SqliteUsageStore : IUsageStore, ICallChainStore, Trail.ITrailStore
{
    private static readonly string BucketColumns = string.Join(", ", Enumerable.Range(0, HourlyUsage.BucketCount).Select(i => $"b{i}"));

    private readonly string _connectionString;
    private readonly string _chain;
    private readonly TimeProvider _clock;

    public SqliteUsageStore(string databasePath, TimeSpan commandTimeout, string chain, TimeProvider clock)
    {
        _chain = chain;
        _clock = clock;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // A locked database (another writer, a backup) is waited for this long before the batch is retried later.
            DefaultTimeout = (int)Math.Ceiling(commandTimeout.TotalSeconds),
        }.ToString();
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var buckets = string.Join(", ", Enumerable.Range(0, HourlyUsage.BucketCount).Select(i => $"b{i} INTEGER NOT NULL DEFAULT 0"));
        command.CommandText = $"""
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS usage_record (
                transaction_id      TEXT PRIMARY KEY,
                ts                  INTEGER NOT NULL,
                agency              TEXT NOT NULL,
                client              TEXT NOT NULL,
                service             TEXT NOT NULL,
                service_version     TEXT,
                grant_id            TEXT,
                method              TEXT NOT NULL,
                status              INTEGER NOT NULL,
                outcome             INTEGER NOT NULL,
                latency_ms          REAL NOT NULL,
                upstream_latency_ms REAL,
                request_bytes       INTEGER NOT NULL,
                response_bytes      INTEGER NOT NULL,
                purpose             TEXT,
                chain_id            TEXT,
                batch_seq           INTEGER,
                batch_pos           INTEGER
            );
            CREATE INDEX IF NOT EXISTS usage_record_ts ON usage_record (ts);
            {CallChainSchema}
            CREATE TABLE IF NOT EXISTS usage_hourly (
                hour           INTEGER NOT NULL,
                agency         TEXT NOT NULL,
                client         TEXT NOT NULL,
                service        TEXT NOT NULL,
                grant_id       TEXT NOT NULL,
                outcome        INTEGER NOT NULL,
                count          INTEGER NOT NULL,
                request_bytes  INTEGER NOT NULL,
                response_bytes INTEGER NOT NULL,
                latency_sum_ms REAL NOT NULL,
                {buckets},
                PRIMARY KEY (hour, agency, client, service, grant_id, outcome)
            );
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await AddChainColumnsAsync(connection, cancellationToken);
        await using var index = connection.CreateCommand();
        // Integers only (one chain per embedded file, as a rule): cheaper to keep up on every insert than a key led by the chain id.
        index.CommandText = "CREATE INDEX IF NOT EXISTS usage_record_batch_seq ON usage_record (batch_seq, batch_pos)";
        await index.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredBatch> WriteAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var connection = await OpenAsync(cancellationToken);
        // Immediate: the chain's head is read and advanced under the write lock.
        await using var transaction = connection.BeginTransaction(deferred: false);

        var head = await ReadHeadAsync(connection, transaction, cancellationToken);
        var batch = head.Sequence + 1;
        var inserted = InsertRecords(connection, records, batch, cancellationToken);
        CallBatchSeal? seal = null;
        if (inserted.Count > 0)
        {
            var trail = inserted.Select(Trail.TrailEntry.Of).OfType<Trail.TrailEntry>().ToList();
            InsertTrail(connection, trail, batch, cancellationToken);
            seal = CallChain.Seal(_chain, head, _clock.GetUtcNow(), inserted, trail);
            await WriteSealAsync(connection, transaction, seal, cancellationToken);
        }

        await UpsertAggregatesAsync(connection, transaction, HourlyUsage.Aggregate(inserted.Concat(records.Where(r => r.Aggregated))), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StoredBatch(inserted.Count, seal);
    }

    public async Task<IReadOnlyList<HourlyUsage>> QueryAsync(UsageFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"""
            SELECT hour, agency, client, service, grant_id, outcome, count, request_bytes, response_bytes, latency_sum_ms, {BucketColumns}
            FROM usage_hourly WHERE hour >= $from AND hour < $to
            """);
        command.Parameters.AddWithValue("$from", filter.From.ToUnixTimeSeconds());
        command.Parameters.AddWithValue("$to", filter.To.ToUnixTimeSeconds());
        AddFilter(sql, command, "agency", filter.Agency);
        AddFilter(sql, command, "client", filter.Client);
        AddFilter(sql, command, "service", filter.Service);
        if (filter.Outcome is { } outcome)
        {
            sql.Append(" AND outcome = $outcome");
            command.Parameters.AddWithValue("$outcome", (int)outcome);
        }

        command.CommandText = sql.ToString();
        var rows = new List<HourlyUsage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var grant = reader.GetString(4);
            var usage = new HourlyUsage(new UsageKey(
                DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                grant.Length == 0 ? null : grant, (Outcome)reader.GetInt32(5)))
            {
                Count = reader.GetInt64(6),
                RequestBytes = reader.GetInt64(7),
                ResponseBytes = reader.GetInt64(8),
                LatencySumMs = reader.GetDouble(9),
            };
            for (var i = 0; i < HourlyUsage.BucketCount; i++)
            {
                usage.LatencyBuckets[i] = reader.GetInt64(10 + i);
            }

            rows.Add(usage);
        }

        return rows;
    }

    public async Task<IReadOnlyList<UsageRecord>> ReadRecordsAsync(string agency, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {UsageRecordColumns.Select}
            FROM usage_record WHERE agency = $agency AND ts >= $since AND ts < $until ORDER BY ts, transaction_id
            """;
        command.Parameters.AddWithValue("$agency", agency);
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        var records = new List<UsageRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(UsageRecordColumns.Read(reader, r => DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))));
        }

        return records;
    }

    public async Task<long> CountRecordsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM usage_record WHERE ts >= $since AND ts < $until";
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    // The batch's raw records through one prepared statement of SQLite's own API, bound by position: a command of
    // Microsoft.Data.Sqlite per record builds a reader, boxes each value and looks each parameter up by name, which
    // cost more than SQLite's own insert (perf/README.md). Duplicates (a replayed spool) are ignored by the primary
    // key; only the records actually inserted are returned, so that they are aggregated and sealed once, at positions
    // 0 to n-1 of the batch.
    private List<UsageRecord> InsertRecords(SqliteConnection connection, IReadOnlyList<UsageRecord> records, long batch, CancellationToken cancellationToken)
    {
        // Bound below in the order of UsageRecordColumns.Select, which both stores read back by, then the batch's columns.
        const string Insert = $"""
            INSERT OR IGNORE INTO usage_record ({UsageRecordColumns.Select}, chain_id, batch_seq, batch_pos)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
            """;
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(db, Insert, out var statement), db);
        using (statement)
        {
            var inserted = new List<UsageRecord>(records.Count);
            foreach (var record in records)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (record.Aggregated)
                {
                    continue;
                }

                Text(statement, 1, record.TransactionId);
                raw.sqlite3_bind_int64(statement, 2, record.Timestamp.ToUnixTimeMilliseconds());
                Text(statement, 3, record.Agency);
                Text(statement, 4, record.Client);
                Text(statement, 5, record.Service);
                Text(statement, 6, record.ServiceVersion);
                Text(statement, 7, record.Grant);
                Text(statement, 8, record.Method);
                raw.sqlite3_bind_int(statement, 9, record.Status);
                raw.sqlite3_bind_int(statement, 10, (int)record.Outcome);
                raw.sqlite3_bind_double(statement, 11, record.LatencyMs);
                _ = record.UpstreamLatencyMs is { } upstream ? raw.sqlite3_bind_double(statement, 12, upstream) : raw.sqlite3_bind_null(statement, 12);
                raw.sqlite3_bind_int64(statement, 13, record.RequestBytes);
                raw.sqlite3_bind_int64(statement, 14, record.ResponseBytes);
                Text(statement, 15, record.Purpose);
                Text(statement, 16, _chain);
                raw.sqlite3_bind_int64(statement, 17, batch);
                raw.sqlite3_bind_int(statement, 18, inserted.Count);
                var step = raw.sqlite3_step(statement);
                raw.sqlite3_reset(statement);
                if (step != raw.SQLITE_DONE)
                {
                    Check(step, db);
                }

                if (raw.sqlite3_changes(db) == 1)
                {
                    inserted.Add(record);
                }
            }

            return inserted;
        }
    }

    // Encoded on the stack (SQLite copies a bound value): the string overload allocates a UTF-8 array per value.
    private static void Text(sqlite3_stmt statement, int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(statement, index);
            return;
        }

        var utf8 = value.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(value.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        raw.sqlite3_bind_text(statement, index, utf8[..Encoding.UTF8.GetBytes(value, utf8)]);
    }

    private static void Check(int result, sqlite3 db)
    {
        if (result is not raw.SQLITE_OK and not raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }

    private static async Task UpsertAggregatesAsync(
        SqliteConnection connection, SqliteTransaction transaction, IReadOnlyCollection<HourlyUsage> aggregates, CancellationToken cancellationToken)
    {
        if (aggregates.Count == 0)
        {
            return;
        }

        await using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        var bucketParameters = string.Join(", ", Enumerable.Range(0, HourlyUsage.BucketCount).Select(i => $"$b{i}"));
        var bucketUpdates = string.Join(", ", Enumerable.Range(0, HourlyUsage.BucketCount).Select(i => $"b{i} = b{i} + excluded.b{i}"));
        upsert.CommandText = $"""
            INSERT INTO usage_hourly (hour, agency, client, service, grant_id, outcome, count, request_bytes, response_bytes, latency_sum_ms, {BucketColumns})
            VALUES ($hour, $agency, $client, $service, $grant, $outcome, $count, $requestBytes, $responseBytes, $latency, {bucketParameters})
            ON CONFLICT (hour, agency, client, service, grant_id, outcome) DO UPDATE SET
                count = count + excluded.count,
                request_bytes = request_bytes + excluded.request_bytes,
                response_bytes = response_bytes + excluded.response_bytes,
                latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms,
                {bucketUpdates}
            """;
        foreach (var usage in aggregates)
        {
            upsert.Parameters.Clear();
            upsert.Parameters.AddWithValue("$hour", usage.Key.Hour.ToUnixTimeSeconds());
            upsert.Parameters.AddWithValue("$agency", usage.Key.Agency);
            upsert.Parameters.AddWithValue("$client", usage.Key.Client);
            upsert.Parameters.AddWithValue("$service", usage.Key.Service);
            upsert.Parameters.AddWithValue("$grant", usage.Key.Grant ?? "");
            upsert.Parameters.AddWithValue("$outcome", (int)usage.Key.Outcome);
            upsert.Parameters.AddWithValue("$count", usage.Count);
            upsert.Parameters.AddWithValue("$requestBytes", usage.RequestBytes);
            upsert.Parameters.AddWithValue("$responseBytes", usage.ResponseBytes);
            upsert.Parameters.AddWithValue("$latency", usage.LatencySumMs);
            for (var i = 0; i < HourlyUsage.BucketCount; i++)
            {
                upsert.Parameters.AddWithValue($"$b{i}", usage.LatencyBuckets[i]);
            }

            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void AddFilter(StringBuilder sql, SqliteCommand command, string column, string? value)
    {
        if (value is not null)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {column} = ${column}");
            command.Parameters.AddWithValue("$" + column, value);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
