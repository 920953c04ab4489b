using Microsoft.Data.Sqlite;
using Ndxp.Gateway.Trail;

namespace Ndxp.Gateway.Metering;

/// <summary>A consistent read of the SQLite store's chains: one connection in one read transaction (a WAL snapshot).</summary>
internal sealed class SqliteCallChainReader : ICallChainReader
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    private SqliteCallChainReader(SqliteConnection connection, SqliteTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<ICallChainReader> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var transaction = connection.BeginTransaction(deferred: true);
        return new SqliteCallChainReader(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    public Task<IReadOnlyList<ChainState>> ReadChainsAsync(CancellationToken cancellationToken) => ReadChainsAsync(_connection, cancellationToken, _transaction);

    internal static async Task<IReadOnlyList<ChainState>> ReadChainsAsync(SqliteConnection connection, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {CallChainColumns.Chain} FROM call_chain ORDER BY chain_id";
        var chains = new List<ChainState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            chains.Add(CallChainColumns.ReadChain(reader));
        }

        return chains;
    }

    public async Task<IReadOnlyList<CallBatchSeal>> ReadSealsAsync(string chain, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        await using var command = Command(
            $"SELECT {CallChainColumns.Seal} FROM call_batch WHERE chain_id = $chain AND seq > $after ORDER BY seq LIMIT $limit", chain);
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", limit);
        var seals = new List<CallBatchSeal>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            seals.Add(CallChainColumns.ReadSeal(reader, r => DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2))));
        }

        return seals;
    }

    public async Task<IReadOnlyList<Sealed<UsageRecord>>> ReadRecordsAsync(string chain, long first, long last, CancellationToken cancellationToken)
    {
        await using var command = Command($"""
            SELECT {UsageRecordColumns.Select}, batch_seq, batch_pos FROM usage_record
            WHERE chain_id = $chain AND batch_seq BETWEEN $first AND $last ORDER BY batch_seq, batch_pos
            """, chain);
        command.Parameters.AddWithValue("$first", first);
        command.Parameters.AddWithValue("$last", last);
        var records = new List<Sealed<UsageRecord>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = UsageRecordColumns.Read(reader, r => DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)));
            records.Add(new(reader.GetInt64(15), reader.GetInt32(16), record));
        }

        return records;
    }

    public async Task<IReadOnlyList<Sealed<TrailEntry>>> ReadTrailAsync(string chain, long first, long last, CancellationToken cancellationToken)
    {
        await using var command = Command($"""
            SELECT {CallChainColumns.Trail}, batch_seq, batch_pos FROM trail_entry
            WHERE chain_id = $chain AND batch_seq BETWEEN $first AND $last ORDER BY batch_seq, batch_pos
            """, chain);
        command.Parameters.AddWithValue("$first", first);
        command.Parameters.AddWithValue("$last", last);
        var entries = new List<Sealed<TrailEntry>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new(reader.GetInt64(10), reader.GetInt32(11), CallChainColumns.ReadTrailEntry(reader, SqliteUsageStore.TrailTime)));
        }

        return entries;
    }

    public async Task<long> CountUnsealedAsync(CancellationToken cancellationToken)
    {
        await using var command = Command("""
            SELECT (SELECT COUNT(*) FROM usage_record r LEFT JOIN call_chain c ON c.chain_id = r.chain_id
                    WHERE c.chain_id IS NULL OR r.batch_seq > c.head_seq OR r.batch_seq IS NULL OR r.batch_pos IS NULL)
                 + (SELECT COUNT(*) FROM trail_entry t LEFT JOIN call_chain c ON c.chain_id = t.chain_id
                    WHERE c.chain_id IS NULL OR t.batch_seq > c.head_seq)
            """, null);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private SqliteCommand Command(string sql, string? chain)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        if (chain is not null)
        {
            command.Parameters.AddWithValue("$chain", chain);
        }

        return command;
    }
}
