using Ndxp.Gateway.Trail;
using Npgsql;
using NpgsqlTypes;

namespace Ndxp.Gateway.Metering;

/// <summary>The PostgreSQL store's call chains: trail entries, seals and each chain's head, their reading and retention.</summary>
internal sealed partial class PostgresUsageStore
{
    private const string CallChainSchema = """
        CREATE TABLE IF NOT EXISTS trail_entry (
            transaction_id text NOT NULL,
            subject_key    text NOT NULL,
            subject        text NOT NULL,
            ts             timestamptz NOT NULL,
            agency         text NOT NULL,
            client         text NOT NULL,
            service        text NOT NULL,
            purpose        text,
            status         integer NOT NULL,
            outcome        smallint NOT NULL,
            chain_id       text NOT NULL,
            batch_seq      bigint NOT NULL,
            batch_pos      integer NOT NULL,
            PRIMARY KEY (chain_id, batch_seq, batch_pos)
        );
        CREATE INDEX IF NOT EXISTS trail_entry_subject ON trail_entry (subject, ts, transaction_id);
        CREATE TABLE IF NOT EXISTS call_batch (
            chain_id       text NOT NULL,
            seq            bigint NOT NULL,
            sealed_at      timestamptz NOT NULL,
            record_count   integer NOT NULL,
            records_digest text NOT NULL,
            trail_count    integer NOT NULL,
            trail_digest   text NOT NULL,
            previous_hash  text NOT NULL,
            hash           text NOT NULL,
            PRIMARY KEY (chain_id, seq)
        );
        CREATE TABLE IF NOT EXISTS call_chain (
            chain_id               text PRIMARY KEY,
            head_seq               bigint NOT NULL,
            head_hash              text NOT NULL,
            anchor_seq             bigint NOT NULL,
            anchor_hash            text NOT NULL,
            records_pruned_through bigint NOT NULL,
            trail_pruned_through   bigint NOT NULL
        );
        """;

    // A read-only repeatable-read transaction: the chains are read as of one moment.
    public async Task<ICallChainReader> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(cancellationToken);
        }

        return new CallChainReader(connection, transaction, (reader, i) => reader.GetFieldValue<DateTimeOffset>(i));
    }

    public async Task<IReadOnlyList<TrailEntry>> ReadTrailAsync(TrailQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = _dataSource.CreateCommand($"""
            SELECT {CallChainColumns.Trail} FROM trail_entry
            WHERE (subject, subject_key) IN (SELECT * FROM unnest(@subjects, @keys))
              AND agency <> ALL(@hidden)
              AND (@beforeId::text IS NULL OR ts < @beforeTs OR (ts = @beforeTs AND transaction_id < @beforeId))
            ORDER BY ts DESC, transaction_id DESC
            LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter("subjects", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.Subjects.Select(s => s.Pseudonym).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.Subjects.Select(s => s.KeyVersion).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("hidden", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.HiddenAgencies.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("beforeTs", NpgsqlDbType.TimestampTz) { Value = query.Before is { } b ? b.Timestamp.ToUniversalTime() : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("beforeId", NpgsqlDbType.Text) { Value = (object?)query.Before?.TransactionId ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", query.Limit);
        var entries = new List<TrailEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(CallChainColumns.ReadTrailEntry(reader, r => r.GetFieldValue<DateTimeOffset>(3)));
        }

        return entries;
    }

    public async Task<PrunedItems> PruneAsync(DateTimeOffset recordsCutoff, DateTimeOffset trailCutoff, int sliceRows, CancellationToken cancellationToken)
    {
        long records = 0, trail = 0, seals = 0;
        IReadOnlyList<ChainState> chains;
        await using (var reader = await OpenReaderAsync(cancellationToken))
        {
            chains = await reader.ReadChainsAsync(cancellationToken);
        }

        foreach (var chain in chains)
        {
            // The chain says what is pruned first, then the rows go: a verification between the two skips what is going.
            var recordsThrough = await MarkPrunedAsync(chain.Chain, "records_pruned_through", chain.RecordsPrunedThrough, recordsCutoff, cancellationToken);
            records += await DeleteSlicesAsync("usage_record", "batch_seq", chain.Chain, recordsThrough, sliceRows, cancellationToken);
            var trailThrough = await MarkPrunedAsync(chain.Chain, "trail_pruned_through", chain.TrailPrunedThrough, trailCutoff, cancellationToken);
            trail += await DeleteSlicesAsync("trail_entry", "batch_seq", chain.Chain, trailThrough, sliceRows, cancellationToken);

            var sealsThrough = Math.Min(recordsThrough, trailThrough);
            if (sealsThrough > chain.Anchor.Sequence)
            {
                await using var anchor = _dataSource.CreateCommand("""
                    UPDATE call_chain c SET anchor_seq = b.seq, anchor_hash = b.hash
                    FROM call_batch b WHERE c.chain_id = @chain AND b.chain_id = @chain AND b.seq = @seq
                    """);
                anchor.Parameters.AddWithValue("chain", chain.Chain);
                anchor.Parameters.AddWithValue("seq", sealsThrough);
                await anchor.ExecuteNonQueryAsync(cancellationToken);
            }

            seals += await DeleteSlicesAsync("call_batch", "seq", chain.Chain, sealsThrough, sliceRows, cancellationToken);
        }

        // Records from before the chain existed (none in a store created with it) go by their time alone.
        await using var legacy = _dataSource.CreateCommand(
            "DELETE FROM usage_record WHERE ctid = ANY(ARRAY(SELECT ctid FROM usage_record WHERE chain_id IS NULL AND ts < @cutoff LIMIT @slice))");
        legacy.Parameters.AddWithValue("cutoff", recordsCutoff.ToUniversalTime());
        legacy.Parameters.AddWithValue("slice", sliceRows);
        for (int deleted; (deleted = await legacy.ExecuteNonQueryAsync(cancellationToken)) > 0;)
        {
            records += deleted;
        }

        return new PrunedItems(records, trail, seals);
    }

    private async Task<long> MarkPrunedAsync(string chain, string column, long current, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"""
            UPDATE call_chain SET {column} = GREATEST({column}, COALESCE((SELECT max(seq) FROM call_batch WHERE chain_id = @chain AND sealed_at < @cutoff), 0))
            WHERE chain_id = @chain RETURNING {column}
            """);
        command.Parameters.AddWithValue("chain", chain);
        command.Parameters.AddWithValue("cutoff", cutoff.ToUniversalTime());
        return await command.ExecuteScalarAsync(cancellationToken) is long through ? through : current;
    }

    // A slice per statement, each its own transaction: no long-held locks, no long transaction holding back vacuum.
    private async Task<long> DeleteSlicesAsync(string table, string batchColumn, string chain, long through, int sliceRows, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"""
            DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE chain_id = @chain AND {batchColumn} <= @through LIMIT @slice))
            """);
        command.Parameters.AddWithValue("chain", chain);
        command.Parameters.AddWithValue("through", through);
        command.Parameters.AddWithValue("slice", sliceRows);
        long total = 0;
        for (int deleted; (deleted = await command.ExecuteNonQueryAsync(cancellationToken)) > 0;)
        {
            total += deleted;
        }

        return total;
    }

    private async Task<ChainLink> LockHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand("""
            INSERT INTO call_chain (chain_id, head_seq, head_hash, anchor_seq, anchor_hash, records_pruned_through, trail_pruned_through)
            VALUES (@chain, 0, @genesis, 0, @genesis, 0, 0) ON CONFLICT (chain_id) DO NOTHING
            """, connection, transaction))
        {
            create.Parameters.AddWithValue("chain", _chain);
            create.Parameters.AddWithValue("genesis", CallChain.GenesisHash);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand("SELECT head_seq, head_hash FROM call_chain WHERE chain_id = @chain FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("chain", _chain);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ChainLink(reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task<List<UsageRecord>> NewRecordsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<UsageRecord> records, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT transaction_id FROM usage_record WHERE transaction_id = ANY(@ids)", connection, transaction);
        command.Parameters.Add(Array("ids", NpgsqlDbType.Text, records.Select(r => r.TransactionId)));
        var known = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                known.Add(reader.GetString(0));
            }
        }

        // A transaction id twice in one batch (a record replayed from the spool while still pending) counts once.
        return records.Where(r => known.Add(r.TransactionId)).ToList();
    }

    private async Task InsertTrailAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<TrailEntry> trail, long batch, CancellationToken cancellationToken)
    {
        if (trail.Count == 0)
        {
            return;
        }

        await using var insert = new NpgsqlCommand($"""
            INSERT INTO trail_entry ({CallChainColumns.Trail}, chain_id, batch_seq, batch_pos)
            SELECT id, subject_key, subject, ts, agency, client, service, purpose, status, outcome, @chain, @batch, (ord - 1)::integer
            FROM unnest(@id, @key, @subject, @ts, @agency, @client, @service, @purpose, @status, @outcome) WITH ORDINALITY
                 AS t(id, subject_key, subject, ts, agency, client, service, purpose, status, outcome, ord)
            """, connection, transaction);
        insert.Parameters.AddWithValue("chain", _chain);
        insert.Parameters.AddWithValue("batch", batch);
        insert.Parameters.Add(Array("id", NpgsqlDbType.Text, trail.Select(t => t.TransactionId)));
        insert.Parameters.Add(Array("key", NpgsqlDbType.Text, trail.Select(t => t.SubjectKey)));
        insert.Parameters.Add(Array("subject", NpgsqlDbType.Text, trail.Select(t => t.Subject)));
        insert.Parameters.Add(Array("ts", NpgsqlDbType.TimestampTz, trail.Select(t => t.Timestamp.ToUniversalTime())));
        insert.Parameters.Add(Array("agency", NpgsqlDbType.Text, trail.Select(t => t.Agency)));
        insert.Parameters.Add(Array("client", NpgsqlDbType.Text, trail.Select(t => t.Client)));
        insert.Parameters.Add(Array("service", NpgsqlDbType.Text, trail.Select(t => t.Service)));
        insert.Parameters.Add(Array("purpose", NpgsqlDbType.Text, trail.Select(t => t.Purpose)));
        insert.Parameters.Add(Array("status", NpgsqlDbType.Integer, trail.Select(t => t.Status)));
        insert.Parameters.Add(Array("outcome", NpgsqlDbType.Smallint, trail.Select(t => (short)t.Outcome)));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task WriteSealAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CallBatchSeal seal, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO call_batch (chain_id, seq, sealed_at, record_count, records_digest, trail_count, trail_digest, previous_hash, hash)
            VALUES (@chain, @seq, @sealedAt, @records, @recordsDigest, @trail, @trailDigest, @previous, @hash);
            UPDATE call_chain SET head_seq = @seq, head_hash = @hash WHERE chain_id = @chain;
            """, connection, transaction);
        command.Parameters.AddWithValue("chain", seal.Chain);
        command.Parameters.AddWithValue("seq", seal.Sequence);
        command.Parameters.AddWithValue("sealedAt", seal.SealedAt.ToUniversalTime());
        command.Parameters.AddWithValue("records", seal.RecordCount);
        command.Parameters.AddWithValue("recordsDigest", seal.RecordsDigest);
        command.Parameters.AddWithValue("trail", seal.TrailCount);
        command.Parameters.AddWithValue("trailDigest", seal.TrailDigest);
        command.Parameters.AddWithValue("previous", seal.PreviousHash);
        command.Parameters.AddWithValue("hash", seal.Hash);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
