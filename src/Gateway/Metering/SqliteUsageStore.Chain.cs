using System.Globalization;
using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Trail;
using SQLitePCL;

namespace Ndxp.Gateway.Metering;

/// <summary>The SQLite store's call chain: trail entries, seals and the chain's head, their reading and their retention.</summary>
internal sealed partial class SqliteUsageStore
{
    private const string CallChainSchema = """
        CREATE TABLE IF NOT EXISTS trail_entry (
            transaction_id TEXT NOT NULL,
            subject_key    TEXT NOT NULL,
            subject        TEXT NOT NULL,
            ts             INTEGER NOT NULL,
            agency         TEXT NOT NULL,
            client         TEXT NOT NULL,
            service        TEXT NOT NULL,
            purpose        TEXT,
            status         INTEGER NOT NULL,
            outcome        INTEGER NOT NULL,
            chain_id       TEXT NOT NULL,
            batch_seq      INTEGER NOT NULL,
            batch_pos      INTEGER NOT NULL,
            PRIMARY KEY (chain_id, batch_seq, batch_pos)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS trail_entry_subject ON trail_entry (subject, ts, transaction_id);
        CREATE TABLE IF NOT EXISTS call_batch (
            chain_id       TEXT NOT NULL,
            seq            INTEGER NOT NULL,
            sealed_at      INTEGER NOT NULL,
            record_count   INTEGER NOT NULL,
            records_digest TEXT NOT NULL,
            trail_count    INTEGER NOT NULL,
            trail_digest   TEXT NOT NULL,
            previous_hash  TEXT NOT NULL,
            hash           TEXT NOT NULL,
            PRIMARY KEY (chain_id, seq)
        );
        CREATE TABLE IF NOT EXISTS call_chain (
            chain_id               TEXT PRIMARY KEY,
            head_seq               INTEGER NOT NULL,
            head_hash              TEXT NOT NULL,
            anchor_seq             INTEGER NOT NULL,
            anchor_hash            TEXT NOT NULL,
            records_pruned_through INTEGER NOT NULL,
            trail_pruned_through   INTEGER NOT NULL
        );
        """;

    // A deferred read transaction: a snapshot of the WAL, so the chains are read as of one moment.
    public async Task<ICallChainReader> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        return new CallChainReader(connection, connection.BeginTransaction(deferred: true), (reader, i) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i)));
    }

    public async Task<IReadOnlyList<TrailEntry>> ReadTrailAsync(TrailQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var subjects = string.Join(" OR ", query.Subjects.Select((_, i) => $"(subject = $s{i} AND subject_key = $k{i})"));
        var hidden = string.Join(", ", query.HiddenAgencies.Select((_, i) => $"$h{i}"));
        command.CommandText = $"""
            SELECT {CallChainColumns.Trail} FROM trail_entry
            WHERE ({(subjects.Length == 0 ? "0" : subjects)})
              {(hidden.Length == 0 ? "" : $"AND agency NOT IN ({hidden})")}
              {(query.Before is null ? "" : "AND (ts < $beforeTs OR (ts = $beforeTs AND transaction_id < $beforeId))")}
            ORDER BY ts DESC, transaction_id DESC
            LIMIT $limit
            """;
        for (var i = 0; i < query.Subjects.Count; i++)
        {
            command.Parameters.AddWithValue($"$s{i}", query.Subjects[i].Pseudonym);
            command.Parameters.AddWithValue($"$k{i}", query.Subjects[i].KeyVersion);
        }

        var h = 0;
        foreach (var agency in query.HiddenAgencies)
        {
            command.Parameters.AddWithValue($"$h{h++}", agency);
        }

        if (query.Before is { } before)
        {
            command.Parameters.AddWithValue("$beforeTs", before.Timestamp.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$beforeId", before.TransactionId);
        }

        command.Parameters.AddWithValue("$limit", query.Limit);
        var entries = new List<TrailEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(CallChainColumns.ReadTrailEntry(reader, TrailTime));
        }

        return entries;
    }

    public async Task<PrunedItems> PruneAsync(DateTimeOffset recordsCutoff, DateTimeOffset trailCutoff, int sliceRows, CancellationToken cancellationToken)
    {
        long records = 0, trail = 0, seals = 0;
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var chain in await CallChainReader.ReadChainsAsync(connection, null, cancellationToken))
        {
            // The chain says what is pruned first, then the rows go: a verification between the two skips what is going.
            var recordsThrough = await MarkPrunedAsync(connection, chain.Chain, "records_pruned_through", chain.RecordsPrunedThrough, recordsCutoff, cancellationToken);
            records += await DeleteSlicesAsync(connection, "usage_record", chain.Chain, recordsThrough, sliceRows, cancellationToken);
            var trailThrough = await MarkPrunedAsync(connection, chain.Chain, "trail_pruned_through", chain.TrailPrunedThrough, trailCutoff, cancellationToken);
            trail += await DeleteSlicesAsync(connection, "trail_entry", chain.Chain, trailThrough, sliceRows, cancellationToken, key: "batch_seq, batch_pos");

            var sealsThrough = Math.Min(recordsThrough, trailThrough);
            if (sealsThrough > chain.Anchor.Sequence)
            {
                await using var anchor = connection.CreateCommand();
                anchor.CommandText = """
                    UPDATE call_chain SET anchor_seq = $seq, anchor_hash = (SELECT hash FROM call_batch WHERE chain_id = $chain AND seq = $seq)
                    WHERE chain_id = $chain AND EXISTS (SELECT 1 FROM call_batch WHERE chain_id = $chain AND seq = $seq)
                    """;
                anchor.Parameters.AddWithValue("$chain", chain.Chain);
                anchor.Parameters.AddWithValue("$seq", sealsThrough);
                await anchor.ExecuteNonQueryAsync(cancellationToken);
            }

            seals += await DeleteSlicesAsync(connection, "call_batch", chain.Chain, sealsThrough, sliceRows, cancellationToken, batchColumn: "seq", key: "seq");
        }

        // Records from before the chain existed (none in a store created with it) go by their time alone.
        await using var legacy = connection.CreateCommand();
        legacy.CommandText = "DELETE FROM usage_record WHERE rowid IN (SELECT rowid FROM usage_record WHERE chain_id IS NULL AND ts < $cutoff LIMIT $slice)";
        legacy.Parameters.AddWithValue("$cutoff", recordsCutoff.ToUnixTimeMilliseconds());
        legacy.Parameters.AddWithValue("$slice", sliceRows);
        for (int deleted; (deleted = await legacy.ExecuteNonQueryAsync(cancellationToken)) > 0;)
        {
            records += deleted;
        }

        return new PrunedItems(records, trail, seals);
    }

    private static async Task<long> MarkPrunedAsync(SqliteConnection connection, string chain, string column, long current, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE call_chain SET {column} = MAX({column}, COALESCE((SELECT MAX(seq) FROM call_batch WHERE chain_id = $chain AND sealed_at < $cutoff), 0))
            WHERE chain_id = $chain RETURNING {column}
            """;
        command.Parameters.AddWithValue("$chain", chain);
        command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        return await command.ExecuteScalarAsync(cancellationToken) is { } through ? Convert.ToInt64(through, CultureInfo.InvariantCulture) : current;
    }

    // A slice per statement, each its own transaction: the write lock is held for one slice, not the whole deletion.
    // key: the columns that find a row of the chain (its rowid, or its primary key after the chain id).
    private static async Task<long> DeleteSlicesAsync(
        SqliteConnection connection, string table, string chain, long through, int sliceRows, CancellationToken cancellationToken,
        string batchColumn = "batch_seq", string key = "rowid")
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            DELETE FROM {table} WHERE chain_id = $chain AND ({key}) IN (SELECT {key} FROM {table} WHERE chain_id = $chain AND {batchColumn} <= $through LIMIT $slice)
            """;
        command.Parameters.AddWithValue("$chain", chain);
        command.Parameters.AddWithValue("$through", through);
        command.Parameters.AddWithValue("$slice", sliceRows);
        long total = 0;
        for (int deleted; (deleted = await command.ExecuteNonQueryAsync(cancellationToken)) > 0;)
        {
            total += deleted;
        }

        return total;
    }

    // Trail entries' times are Unix milliseconds, as the records'.
    internal static DateTimeOffset TrailTime(System.Data.Common.DbDataReader reader) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3));

    // A store made before the chain existed gains its columns; its older records belong to no batch.
    private static async Task AddChainColumnsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('usage_record') WHERE name = 'chain_id'";
        if (Convert.ToInt64(await columns.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
        {
            await using var alter = connection.CreateCommand();
            alter.CommandText = """
                ALTER TABLE usage_record ADD COLUMN chain_id TEXT;
                ALTER TABLE usage_record ADD COLUMN batch_seq INTEGER;
                ALTER TABLE usage_record ADD COLUMN batch_pos INTEGER;
                """;
            await alter.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task<ChainLink> ReadHeadAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT head_seq, head_hash FROM call_chain WHERE chain_id = $chain";
        command.Parameters.AddWithValue("$chain", _chain);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new ChainLink(reader.GetInt64(0), reader.GetString(1)) : ChainLink.Genesis;
    }

    private void InsertTrail(SqliteConnection connection, List<TrailEntry> trail, long batch, CancellationToken cancellationToken)
    {
        if (trail.Count == 0)
        {
            return;
        }

        const string Insert = $"""
            INSERT INTO trail_entry ({CallChainColumns.Trail}, chain_id, batch_seq, batch_pos)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """;
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(db, Insert, out var statement), db);
        using (statement)
        {
            for (var i = 0; i < trail.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var entry = trail[i];
                Text(statement, 1, entry.TransactionId);
                Text(statement, 2, entry.SubjectKey);
                Text(statement, 3, entry.Subject);
                raw.sqlite3_bind_int64(statement, 4, entry.Timestamp.ToUnixTimeMilliseconds());
                Text(statement, 5, entry.Agency);
                Text(statement, 6, entry.Client);
                Text(statement, 7, entry.Service);
                Text(statement, 8, entry.Purpose);
                raw.sqlite3_bind_int(statement, 9, entry.Status);
                raw.sqlite3_bind_int(statement, 10, (int)entry.Outcome);
                Text(statement, 11, _chain);
                raw.sqlite3_bind_int64(statement, 12, batch);
                raw.sqlite3_bind_int(statement, 13, i);
                var step = raw.sqlite3_step(statement);
                raw.sqlite3_reset(statement);
                Check(step, db);
            }
        }
    }

    private static async Task WriteSealAsync(SqliteConnection connection, SqliteTransaction transaction, CallBatchSeal seal, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO call_batch (chain_id, seq, sealed_at, record_count, records_digest, trail_count, trail_digest, previous_hash, hash)
            VALUES ($chain, $seq, $sealedAt, $records, $recordsDigest, $trail, $trailDigest, $previous, $hash);
            INSERT INTO call_chain (chain_id, head_seq, head_hash, anchor_seq, anchor_hash, records_pruned_through, trail_pruned_through)
            VALUES ($chain, $seq, $hash, 0, $genesis, 0, 0)
            ON CONFLICT (chain_id) DO UPDATE SET head_seq = excluded.head_seq, head_hash = excluded.head_hash;
            """;
        command.Parameters.AddWithValue("$chain", seal.Chain);
        command.Parameters.AddWithValue("$seq", seal.Sequence);
        command.Parameters.AddWithValue("$sealedAt", seal.SealedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$records", seal.RecordCount);
        command.Parameters.AddWithValue("$recordsDigest", seal.RecordsDigest);
        command.Parameters.AddWithValue("$trail", seal.TrailCount);
        command.Parameters.AddWithValue("$trailDigest", seal.TrailDigest);
        command.Parameters.AddWithValue("$previous", seal.PreviousHash);
        command.Parameters.AddWithValue("$hash", seal.Hash);
        command.Parameters.AddWithValue("$genesis", CallChain.GenesisHash);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
